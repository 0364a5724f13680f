//! The desk core's operations as Tauri commands, generated from the list in
//! `crates/desk/src/api/mod.rs`: each hands its arguments to [`DeskApi`] and its error to
//! [`CommandError`](crate::error::CommandError). In team mode every operation that is not a
//! desktop's own setting goes to the team's hub (`HubClient`, the same trait); in solo mode, to
//! the local desk.

use super::DeskState;
use crate::error::CommandResult;
use desk::api::{Access, DeskApi};

macro_rules! core_commands {
    ([ $( $(#[$doc:meta])* $access:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $answer:ty ; )* ]) => {
        $(
            $(#[$doc])*
            #[tauri::command]
            pub async fn $name(desk: DeskState<'_>, $($arg: $ty),*) -> CommandResult<$answer> {
                let local = desk.inner().as_ref();
                match local.hub() {
                    Some(hub) if Access::$access != Access::Desktop => {
                        Ok(DeskApi::$name(&hub, $($arg),*).await?)
                    }
                    _ => Ok(DeskApi::$name(local, $($arg),*).await?),
                }
            }
        )*
    };
}

desk::with_operations!(core_commands);

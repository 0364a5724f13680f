//! The desk core's operations as Tauri commands, generated from the list in
//! `crates/desk/src/api/mod.rs`: each hands its arguments to [`DeskApi`] and its error to
//! [`CommandError`](crate::error::CommandError).

use super::DeskState;
use crate::error::CommandResult;
use desk::api::DeskApi;

macro_rules! core_commands {
    ([ $( $(#[$doc:meta])* $access:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $answer:ty ; )* ]) => {
        $(
            $(#[$doc])*
            #[tauri::command]
            pub async fn $name(desk: DeskState<'_>, $($arg: $ty),*) -> CommandResult<$answer> {
                Ok(DeskApi::$name(desk.inner().as_ref(), $($arg),*).await?)
            }
        )*
    };
}

desk::with_operations!(core_commands);

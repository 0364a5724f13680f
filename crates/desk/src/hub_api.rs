//! The desk core's operations answered by the team's hub: `DeskApi` for [`HubClient`], generated
//! from the same list as the local desk's (`local_api`), the Tauri commands and the hub's routes.
//! Each method sends its arguments under their wire names and reads the hub core's answer.

use crate::api::{DeskApi, OPERATIONS};
use crate::error::{Error, Result};
use crate::hub_client::HubClient;
use serde_json::Map;

/// The wire names of an operation's arguments, in the list's order.
fn arg_names(name: &str) -> &'static [&'static str] {
    OPERATIONS
        .iter()
        .find(|o| o.name == name)
        .map_or(&[], |o| o.args)
}

macro_rules! hub_client {
    ([ $( $(#[$doc:meta])* $access:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $answer:ty ; )* ]) => {
        impl DeskApi for HubClient {
            $(
                #[allow(unused_mut, unused_variables)]
                fn $name(&self $(, $arg: $ty)*) -> impl Future<Output = Result<$answer>> + Send {
                    async move {
                        let mut names = arg_names(stringify!($name)).iter();
                        let mut args = Map::new();
                        $(
                            let value = serde_json::to_value(&$arg)
                                .map_err(|e| Error::Internal(e.to_string()))?;
                            if let Some(n) = names.next() {
                                args.insert((*n).to_owned(), value);
                            }
                        )*
                        self.call(stringify!($name), args).await
                    }
                }
            )*
        }
    };
}

crate::with_operations!(hub_client);

//! The core's operations over HTTP, from the one list (`desk::with_operations!`): each is served
//! at `POST /api/ops/{name}` with its arguments as one JSON object (camelCase names), answered by
//! the same `DeskApi` method the desktop calls locally. The role check uses the list's access.

use super::failure::Failure;
use desk::api::{DeskApi, OPERATIONS, OperationSpec};
use serde_json::{Map, Value};

/// The list's entry for `name`.
pub fn spec(name: &str) -> Option<&'static OperationSpec> {
    OPERATIONS.iter().find(|o| o.name == name)
}

/// One argument, taken from the request's object and read as its type: a missing one is null
/// (an `Option` reads it as none; anything else refuses it at the field).
fn take<T: serde::de::DeserializeOwned>(
    args: &mut Map<String, Value>,
    name: &str,
) -> Result<T, Failure> {
    let raw = args.remove(name).unwrap_or(Value::Null);
    let missing = raw.is_null();
    serde_json::from_value(raw).map_err(|e| {
        if missing {
            Failure::invalid(name, "is required")
        } else {
            Failure::invalid(name, e.to_string())
        }
    })
}

macro_rules! dispatch {
    ([ $( $(#[$doc:meta])* $access:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $answer:ty ; )* ]) => {
        /// Runs the operation `name` on `desk` with `args`; its answer as JSON.
        pub async fn call(
            desk: &desk::Desk,
            name: &str,
            mut args: Map<String, Value>,
        ) -> Result<Value, Failure> {
            let spec = spec(name).ok_or_else(|| Failure::new(
                axum::http::StatusCode::NOT_FOUND,
                "notFound",
                format!("there is no operation {name:?}"),
            ))?;
            let mut names = spec.args.iter();
            let mut next = || names.next().copied().unwrap_or_default();
            match name {
                $(
                    stringify!($name) => {
                        $( let $arg: $ty = take(&mut args, next())?; )*
                        if let Some(extra) = args.keys().next() {
                            return Err(Failure::invalid(extra, "is not an argument of this operation"));
                        }
                        let answer: $answer = DeskApi::$name(desk $(, $arg)*).await?;
                        serde_json::to_value(answer).map_err(|e| Failure::internal(e.to_string()))
                    }
                )*
                _ => Err(Failure::internal(format!("{name} is listed but not served"))),
            }
        }
    };
}

desk::with_operations!(dispatch);

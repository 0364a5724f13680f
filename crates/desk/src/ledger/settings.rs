//! Small key/value settings (selected environment, Custom URL, receiver port). Never secrets.

use crate::error::Result;

pub trait SettingsTx {
    fn setting(&self, key: &str) -> Result<Option<String>>;
    fn set_setting(&self, key: &str, value: &str) -> Result<()>;
}

//! The sandbox's users and their states.

use crate::config::{POA_COUNTRIES, SandboxConfig};
use p100::models::{CreateUserRequest, KycStatus, UserStatus};
use std::collections::HashMap;
use std::sync::Mutex;

/// One user as the sandbox keeps it.
#[derive(Debug, Clone)]
pub struct SandboxUser {
    pub user_id: String,
    pub request: CreateUserRequest,
    pub status: UserStatus,
    pub poa_required_for_extended: bool,
    /// `None` until Method A files or a Method B session exist.
    pub kyc: Option<KycStatus>,
}

pub struct Sandbox {
    pub config: SandboxConfig,
    users: Mutex<HashMap<String, SandboxUser>>,
}

/// Why a user could not be created.
pub enum CreateRefused {
    Duplicate,
}

impl Sandbox {
    pub fn new(config: SandboxConfig) -> Self {
        Self {
            config,
            users: Mutex::new(HashMap::new()),
        }
    }

    fn users(&self) -> std::sync::MutexGuard<'_, HashMap<String, SandboxUser>> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.users.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores a validated request; the new user waits for activation.
    pub fn create_user(&self, request: CreateUserRequest) -> Result<SandboxUser, CreateRefused> {
        let mut users = self.users();
        if users.contains_key(&request.external_user_id) {
            return Err(CreateRefused::Duplicate);
        }
        let poa = request
            .profile
            .country
            .as_deref()
            .is_some_and(|c| POA_COUNTRIES.contains(&c));
        let user = SandboxUser {
            user_id: uuid::Uuid::new_v4().to_string(),
            request,
            status: UserStatus::WaitingForActivation,
            poa_required_for_extended: poa,
            kyc: None,
        };
        users.insert(user.request.external_user_id.clone(), user.clone());
        Ok(user)
    }

    pub fn user(&self, external_user_id: &str) -> Option<SandboxUser> {
        self.users().get(external_user_id).cloned()
    }

    pub fn user_count(&self) -> usize {
        self.users().len()
    }
}

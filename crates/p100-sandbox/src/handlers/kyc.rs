//! KYC by P100 (Method B) and KYC status.

use crate::error::ApiError;
use crate::state::Sandbox;
use axum::Json;
use axum::extract::{Path, State};
use p100::models::KycStatus;
use std::sync::Arc;

/// Get KYC Status: `P412` for an unknown user, `P445` while no KYC exists for the user.
pub async fn get_kyc_status(
    State(state): State<Arc<Sandbox>>,
    Path(external_user_id): Path<String>,
) -> Result<Json<KycStatus>, ApiError> {
    let user = state
        .user(&external_user_id)
        .ok_or_else(ApiError::invalid_user)?;
    user.kyc.map(Json).ok_or_else(ApiError::kyc_not_found)
}

//! Presentational components: they render the data and signals they are
//! given and report user intent through `on_*` callbacks. They never call the
//! homeserver or read contexts.

pub mod account_notices;
pub mod button;
pub mod clean_up_dialog;
pub mod confirm_dialog;
pub mod current_session;
pub mod device_details;
pub mod device_heading;
pub mod device_tile;
pub mod error_banner;
pub mod login_form;
pub mod modal;
pub mod options_menu;
pub mod other_sessions;
pub mod rename_editor;
pub mod sas_dialog;
pub mod security_recommendations;
pub mod selection_bar;
pub mod session_filter;
pub mod session_list;
pub mod session_search;
pub mod session_watch;
pub mod sign_out_dialog;
pub mod spinner;
pub mod sso_buttons;
pub mod this_browser;
pub mod unlock_dialog;
pub mod verification_card;
pub mod verification_request;
pub mod verify_panel;

//! Pages: containers that own data loading, UI state and actions, and hand
//! plain data and callbacks to the components.

pub mod login_page;
pub mod sessions_page;

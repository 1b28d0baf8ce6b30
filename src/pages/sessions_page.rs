use leptos::prelude::*;
use leptos::task::spawn_local;
use stylers::style_sheet;

use crate::api::types::Device;
use crate::api::{ApiError, MatrixClient, auth, devices};
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::current_session::CurrentSession;
use crate::components::error_banner::ErrorBanner;
use crate::components::other_sessions::OtherSessions;
use crate::login::LoginCtx;
use crate::model::devices::sort_sessions;

/// The Sessions page: owns the loaded data, the UI state and the actions.
#[component]
pub fn SessionsPage(client: MatrixClient) -> impl IntoView {
    let class_name = style_sheet!("style/components/sessions_page.css");
    let login = LoginCtx::expect();
    let own_device_id = client.device_id().to_string();
    let user_id = client.user_id().to_string();
    let client = StoredValue::new_local(client);

    // -- data --
    let devices = RwSignal::new(None::<Vec<Device>>);
    let load_error = RwSignal::new(None::<String>);
    let is_loading = RwSignal::new(false);

    let load = move || {
        if is_loading.get_untracked() {
            return;
        }
        is_loading.set(true);
        let client = client.get_value();
        spawn_local(async move {
            let result = devices::list_devices(&client).await;
            match result {
                Ok(mut list) => {
                    sort_sessions(&mut list);
                    devices.try_set(Some(list));
                    load_error.try_set(None);
                }
                // A revoked login already sent the user to sign-in.
                Err(ApiError::UnknownToken { .. }) => {}
                Err(err) => {
                    load_error.try_set(Some(format!("Couldn't load your sessions. {err}")));
                }
            }
            is_loading.try_set(false);
        });
    };
    load();

    // -- derived --
    let current = {
        let own = own_device_id.clone();
        Memo::new(move |_| {
            devices.with(|list| list.as_ref()?.iter().find(|d| d.device_id == own).cloned())
        })
    };
    let others = {
        let own = own_device_id.clone();
        Memo::new(move |_| {
            devices.with(|list| {
                list.iter()
                    .flatten()
                    .filter(|d| d.device_id != own)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };
    let is_first_load = Signal::derive(move || devices.with(Option::is_none) && load_error.with(Option::is_none));

    // -- ui state --
    let expanded_ids = RwSignal::new(Vec::<String>::new());
    let sign_out_open = RwSignal::new(false);
    let sign_out_pending = RwSignal::new(false);
    let sign_out_error = RwSignal::new(None::<String>);

    // -- actions --
    let confirm_sign_out = Callback::new(move |_| {
        if sign_out_pending.get_untracked() {
            return;
        }
        sign_out_pending.set(true);
        sign_out_error.set(None);
        let client = client.get_value();
        spawn_local(async move {
            match auth::logout(&client).await {
                Ok(()) => login.forget(Some("You signed out.".into())),
                // Already gone on the server: the client has sent us to sign-in.
                Err(ApiError::UnknownToken { .. }) => {}
                Err(err) => {
                    sign_out_error.try_set(Some(format!("Couldn't sign out. {err}")));
                    sign_out_pending.try_set(false);
                }
            }
        });
    });

    view! { class = class_name,
        <div class="page">
            <header class="header">
                <h1 class="title">"Sessions"</h1>
                <p class="account" data-testid="signed-in-user">"Signed in as " {user_id}</p>
            </header>
            <main class="main">
                {move || load_error.get().map(|message| view! {
                    <ErrorBanner
                        message=message
                        is_retrying=is_loading
                        on_retry=Callback::new(move |_| load())
                    />
                })}
                <CurrentSession
                    device=current
                    is_first_load=is_first_load
                    is_signing_out=sign_out_pending
                    on_sign_out=Callback::new(move |_| {
                        sign_out_error.set(None);
                        sign_out_open.set(true);
                    })
                />
                <Show when=move || others.with(|o| !o.is_empty())>
                    <OtherSessions devices=others expanded_ids=expanded_ids/>
                </Show>
            </main>
            <ConfirmDialog
                is_open=sign_out_open
                title="Sign out"
                message="Are you sure you want to sign out of this session?".to_string()
                confirm_label="Sign out"
                is_pending=sign_out_pending
                error=sign_out_error
                on_confirm=confirm_sign_out
                on_cancel=Callback::new(move |_| sign_out_open.set(false))
            />
        </div>
    }
}

//! Browser entry point: installs the panic hook, takes away the static shell `index.html`
//! paints while the app loads, and mounts the app on `<body>`.

fn main() {
    console_error_panic_hook::set_once();
    if let Some(shell) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot-shell"))
    {
        shell.remove();
    }
    leptos::mount::mount_to_body(credence_frontend::App);
}

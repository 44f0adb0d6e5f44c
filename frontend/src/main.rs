//! Browser entry point: installs the panic hook, takes away the static shell `index.html`
//! paints while the app loads (or keeps it while it shows figures, `first_paint.rs`), and
//! mounts the app on `<body>`.

fn main() {
    console_error_panic_hook::set_once();
    credence_frontend::first_paint::at_mount();
    leptos::mount::mount_to_body(credence_frontend::App);
}

// The navigation drawer (MainLayout): opened and closed here, in the browser, so it costs no JS interop or component
// per circuit and works on the statically rendered account pages too. The state is a class on <html>, which Blazor
// never renders: `nav-closed` hides the drawer on a wide screen (where it starts open), `nav-open` shows it over the
// page below MudBlazor's Md breakpoint (where it starts hidden). On a narrow screen a link in the drawer, the overlay
// or Escape closes it again.
(() => {
    const narrow = window.matchMedia('(max-width: 959.98px)');
    const root = document.documentElement;
    const setExpanded = () => {
        const open = narrow.matches ? root.classList.contains('nav-open') : !root.classList.contains('nav-closed');
        document.querySelectorAll('[data-drawer-toggle]').forEach(b => b.setAttribute('aria-expanded', String(open)));
    };
    const close = () => { root.classList.remove('nav-open'); setExpanded(); };
    document.addEventListener('click', e => {
        const target = e.target instanceof Element ? e.target : null;
        if (!target) return;
        if (target.closest('[data-drawer-toggle]')) {
            root.classList.toggle(narrow.matches ? 'nav-open' : 'nav-closed');
            setExpanded();
        } else if (narrow.matches && (target.closest('[data-drawer-close]') || target.closest('#app-drawer a'))) {
            close();
        }
    });
    document.addEventListener('keydown', e => {
        if (e.key === 'Escape' && root.classList.contains('nav-open')) close();
    });
    narrow.addEventListener('change', close);
})();

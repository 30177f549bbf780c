// Adds a copy button to each code block of rendered answers, and keeps the newest message in view.
export function enhance(container, copyLabel, copiedLabel) {
  if (!container || typeof container.querySelectorAll !== 'function') return;
  container.querySelectorAll('pre').forEach(pre => {
    if (pre.dataset.copyable) return;
    pre.dataset.copyable = '1';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'code-copy';
    button.textContent = copyLabel;
    button.addEventListener('click', async () => {
      const code = pre.querySelector('code') ?? pre;
      await navigator.clipboard.writeText(code.innerText);
      button.textContent = copiedLabel;
      setTimeout(() => { button.textContent = copyLabel; }, 1500);
    });
    pre.appendChild(button);
  });
}

export function scrollToEnd(element) {
  if (element && 'scrollTop' in element) element.scrollTop = element.scrollHeight;
}

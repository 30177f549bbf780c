// Adds a copy button to each code block of rendered answers, and wires the composer (when there is one).
export function enhance(container, copyLabel, copiedLabel, composer) {
  wireComposer(composer);
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

// The composer's textarea: grows with its text up to data-max-lines lines (then scrolls), and Enter sends (the send
// button beside it is clicked) while Shift+Enter starts a new line. Enter that confirms an input method's candidate
// (pinyin, for one) is the input method's: isComposing, or keyCode 229 where the browser reports it that way.
// Wired once per element; called after every render, so a box the server emptied (the message was sent) shrinks back.
export function wireComposer(textarea) {
  if (!textarea || textarea.tagName !== 'TEXTAREA') return;
  if (!textarea.dataset.composer) {
    textarea.dataset.composer = '1';
    textarea.addEventListener('input', () => fitComposer(textarea));
    textarea.addEventListener('keydown', e => {
      if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
      e.preventDefault();
      const send = textarea.closest('.chat-composer')?.querySelector('[data-testid=chat-send]');
      if (send && !send.disabled) send.click();
    });
  }
  fitComposer(textarea);
}

function fitComposer(textarea) {
  const style = getComputedStyle(textarea);
  const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5 || 24;
  const padding = (parseFloat(style.paddingTop) || 0) + (parseFloat(style.paddingBottom) || 0);
  const lines = Math.max(Number(textarea.dataset.maxLines) || 8, Number(textarea.rows) || 1);
  const max = line * lines + padding;
  textarea.style.height = 'auto';
  const wanted = textarea.scrollHeight;
  textarea.style.height = Math.min(wanted, max) + 'px';
  textarea.style.overflowY = wanted > max ? 'auto' : 'hidden';
}

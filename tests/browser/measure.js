// What one visit measures in the page: sideways overflow, touch targets under 44 px
// (inline links in running text excepted; a check box or radio counts with its label)
// and the body text size.
() => {
  const small = [];
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || box.right <= 0 || box.bottom <= 0) continue;
    if (el.closest('p, .prose, dialog:not([open]), [hidden]')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    let target = box;
    if (el.type === 'checkbox' || el.type === 'radio') {
      target = (el.closest('label, .field-check') || el).getBoundingClientRect();
    }
    if (target.height < 43.5 || target.width < 43.5) {
      small.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || '').trim().slice(0, 30)}" ${Math.round(target.width)}×${Math.round(target.height)}`);
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    small: small,
    bodyFontSize: parseFloat(getComputedStyle(document.body).fontSize),
  };
}

(function () {
// Run by tests/web/a11y.py inside the page; returns a list of problems (empty when all is well).
function parse(c) { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
  const p = m[1].split(',').map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; }
function lum(c) { return [c.r, c.g, c.b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
  .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0); }
function background(el) { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
  if (c && c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; }
function visible(el) { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
  return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && s.display !== 'none'; }
function named(el) { return (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') ||
  (el.textContent || '').trim() || el.getAttribute('title') || el.value || '').length > 0; }
const problems = [];
document.querySelectorAll('input:not([type=hidden]), select, textarea').forEach(el => {
  const label = el.id && document.querySelector('label[for="' + el.id + '"]');
  if (!label && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')) problems.push('unlabelled control ' + el.outerHTML.slice(0, 80)); });
document.querySelectorAll('a[href], button').forEach(el => { if (!named(el)) problems.push('unnamed ' + el.outerHTML.slice(0, 80)); });
document.querySelectorAll('img').forEach(el => { if (!el.hasAttribute('alt')) problems.push('image without alt ' + el.src); });
if (!document.documentElement.lang) problems.push('no lang attribute');
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const seen = new Set();
while (walker.nextNode()) { const el = walker.currentNode.parentElement;
  if (!el || seen.has(el) || !walker.currentNode.textContent.trim() || !visible(el)) continue; seen.add(el);
  const s = getComputedStyle(el); const fg = parse(s.color); if (!fg) continue;
  const bg = background(el); const a = lum(fg), b = lum(bg);
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const size = parseFloat(s.fontSize); const bold = parseInt(s.fontWeight, 10) >= 700;
  const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
  if (ratio < need) problems.push('contrast ' + ratio.toFixed(2) + ' < ' + need + ': ' + el.tagName + ' "' + el.textContent.trim().slice(0, 30) + '"'); }
return problems;
})();

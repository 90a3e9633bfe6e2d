// What the server put into the page for its script: URLs and the page's words, translated
// by Flask-Babel into a JSON block (a data block, not a script: CSP allows it). The bundles
// themselves carry no language and no URL.
let config = null;

export function pageConfig() {
  if (config === null) {
    const block = document.getElementById("jt-page-config");
    config = block ? JSON.parse(block.textContent) : { texts: {}, urls: {} };
  }
  return config;
}

/** The page's text for `key`, with {name} placeholders filled from `params`. */
export function t(key, params = {}) {
  const text = pageConfig().texts[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** True when the page is in Chinese (the default); English otherwise. */
export function inChinese() {
  return !document.documentElement.lang.startsWith("en");
}

/** A unit's name in the reader's language (the server's table), else what the API said. */
export function unitLabel(code, fallback) {
  const names = pageConfig().names || {};
  return (names.units || {})[code] || fallback || code;
}

/** A role's or form's Chinese name in the reader's language, else as written. */
export function nameLabel(text) {
  const names = pageConfig().names || {};
  return (names.texts || {})[text] || text;
}

// Just enough Python-expression reading for the panel: a call `name(a, b, c)` split into
// its top-level arguments (commas inside brackets or strings do not split), and put back.
// Anything else is left to the owner as text; the server's check is the judge.

export function splitCall(expression) {
  const text = (expression || "").trim();
  const open = text.indexOf("(");
  if (open <= 0 || !text.endsWith(")") || !/^[A-Za-z_]\w*$/.test(text.slice(0, open).trim())) return null;
  const args = [];
  let depth = 0, quote = null, start = open + 1;
  for (let i = open + 1; i < text.length - 1; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) {
      if (--depth < 0) return null; // the closing bracket is not the call's
    } else if (c === "," && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (depth !== 0 || quote) return null;
  const last = text.slice(start, -1).trim();
  if (last || args.length) args.push(last);
  return { name: text.slice(0, open).trim(), args };
}

export function joinCall(name, args) {
  return `${name}(${args.join(", ")})`;
}

/** The yellow light's call `warn_at(start, due[, fraction])`, or null. */
export function warnParts(expression) {
  const call = splitCall(expression);
  if (!call || call.name !== "warn_at" || call.args.length < 2) return null;
  return { start: call.args[0], due: call.args[1], fraction: call.args[2] ?? null };
}

/** warn_at's call again; an absent fraction stays absent (the helper's default, 0.8). */
export function warnExpression({ start, due, fraction }) {
  return joinCall("warn_at", fraction === null || fraction === undefined ? [start, due] : [start, due, fraction]);
}

/** The start instant of a deadline call such as add_working_days(transferred_at, 1). */
export function startOf(expression) {
  const call = splitCall(expression);
  return call && call.args.length ? call.args[0] : null;
}

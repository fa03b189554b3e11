// Messages translated on the server reach scripts with {name} placeholders.

/** The message with each {name} replaced by values[name]; unknown names stay as they are. */
export function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// The `translate` service of bpmn-js, diagram-js and dmn-js, looking strings up in a dictionary
// {english: translated} that the page embeds from our gettext catalogues
// (webapp/studio/library/modeler_strings.py). Strings missing from it stay in English.
// Placeholders like {element} are filled after the lookup, as diagram-js's own translate does.

const hasOwn = Object.prototype.hasOwnProperty;

export function translator(dictionary) {
  const strings = dictionary || {};
  return function translate(template, replacements) {
    const text = hasOwn.call(strings, template) ? strings[template] : template;
    const values = replacements || {};
    return text.replace(/{([^}]+)}/g, function (match, key) {
      return hasOwn.call(values, key) ? values[key] : match;
    });
  };
}

/** A didi module overriding the default `translate` service. */
export function translateModule(dictionary) {
  return { translate: ["value", translator(dictionary)] };
}

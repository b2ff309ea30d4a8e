// The form field types our engine knows (engine/forms.py FIELD_TYPES) in the properties panel's
// "Type" list, "file" included (engine/form_files.py: its options multiple, max_files,
// max_size_mb and allowed_types are set as the field's properties). The Camunda provider lists
// only its own five types, so this provider, applied after it, swaps each form field's type
// entry for one that offers "file" too, and hides the "custom type" text box for a file field.
import { SelectEntry } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";

export const FIELD_TYPES = ["boolean", "date", "enum", "file", "long", "string"];
const CUSTOM_TYPE_VALUE = "";
const AFTER_CAMUNDA = 100; // the Camunda Platform provider registers at 500; lower runs later

function FieldType(props) {
  const { idPrefix, element, formField } = props;
  const commandStack = useService("commandStack");
  const translate = useService("translate");
  const getValue = () => {
    const type = formField.get("type");
    return type === undefined || FIELD_TYPES.includes(type) ? type : CUSTOM_TYPE_VALUE;
  };
  const setValue = (value) => {
    commandStack.execute("element.updateModdleProperties", {
      element,
      moddleElement: formField,
      properties: { type: value },
    });
  };
  const getOptions = () => {
    const options = FIELD_TYPES.map((type) => ({ label: translate(type), value: type }));
    options.push({ label: translate("<custom type>"), value: CUSTOM_TYPE_VALUE });
    if (formField.get("type") === undefined) {
      options.unshift({ label: translate("<none>"), value: "" });
    }
    return options;
  };
  return SelectEntry({
    element: formField,
    id: idPrefix + "-formFieldType",
    label: translate("Type"),
    getValue,
    setValue,
    getOptions,
  });
}

function withFileType(entries) {
  return entries
    .filter((entry) => !(entry.id.endsWith("-formFieldCustomType") && entry.formField.get("type") === "file"))
    .map((entry) => (entry.id.endsWith("-formFieldType") ? { ...entry, component: FieldType } : entry));
}

function FileFieldTypeProvider(propertiesPanel) {
  propertiesPanel.registerProvider(AFTER_CAMUNDA, this);
}
FileFieldTypeProvider.$inject = ["propertiesPanel"];
FileFieldTypeProvider.prototype.getGroups = function () {
  return function (groups) {
    for (const group of groups) {
      if (group.id === "CamundaPlatform__FormData") {
        for (const item of group.items || []) {
          item.entries = withFileType(item.entries || []);
        }
      }
    }
    return groups;
  };
};

export const fileFieldTypeModule = {
  __init__: ["fileFieldTypeProvider"],
  fileFieldTypeProvider: ["type", FileFieldTypeProvider],
};

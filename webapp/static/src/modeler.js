// Entry module of the BPMN modeler bundle (built by scripts/copy_assets.py with esbuild into
// webapp/static/vendor/modeler/modeler.js + modeler.css). bpmn-js-properties-panel ships as ES
// modules only, so the page cannot load it from a plain <script>; this bundle exposes one global.
import BpmnModeler from "bpmn-js/lib/Modeler";
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
} from "bpmn-js-properties-panel";
import camundaModdle from "camunda-bpmn-moddle/resources/camunda.json";

import { fileFieldTypeModule } from "./file-field-type";
import { translateModule } from "./translate";

import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import "@bpmn-io/properties-panel/dist/assets/properties-panel.css";

/**
 * A bpmn-js Modeler with the properties panel and the Camunda Platform provider, so forms
 * (camunda:formData), timers, conditions and DMN references are edited in the panel; every
 * label of the modeler and the panel goes through `translations` ({english: translated}).
 */
function createModeler(canvas, propertiesParent, translations) {
  return new BpmnModeler({
    container: canvas,
    propertiesPanel: { parent: propertiesParent },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      fileFieldTypeModule,
      translateModule(translations),
    ],
    moddleExtensions: { camunda: camundaModdle },
  });
}

window.MahallaModeler = { createModeler };

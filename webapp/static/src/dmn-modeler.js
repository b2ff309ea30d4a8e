// Entry module of the DMN modeler bundle (built by scripts/copy_assets.py with esbuild into
// webapp/static/vendor/dmn-modeler/dmn-modeler.js + .css). dmn-js's own dist file carries the
// development build of Inferno (it logs so in the console); bundling dmn-js from its ES modules
// with NODE_ENV=production gives a true production build, with our translate module inside.
import DmnModeler from "dmn-js/lib/Modeler";

import { translateModule } from "./translate";

import "dmn-js/dist/assets/diagram-js.css";
import "dmn-js/dist/assets/dmn-js-shared.css";
import "dmn-js/dist/assets/dmn-js-drd.css";
import "dmn-js/dist/assets/dmn-js-decision-table.css";
import "dmn-js/dist/assets/dmn-js-decision-table-controls.css";
import "dmn-js/dist/assets/dmn-js-literal-expression.css";
import "dmn-js/dist/assets/dmn-js-boxed-expression.css";
import "dmn-js/dist/assets/dmn-js-boxed-expression-controls.css";
import "dmn-js/dist/assets/dmn-font/css/dmn-embedded.css";

// The views of dmn-js; each gets the translate module (dmn-js drops `common.additionalModules`
// when a view has options of its own, so every view is configured explicitly).
const VIEWS = ["drd", "decisionTable", "literalExpression", "boxedExpression"];

/** A dmn-js Modeler (DRD, decision tables, literal expressions) speaking the page's language. */
function createModeler(container, translations) {
  const options = { container: container };
  VIEWS.forEach(function (view) {
    options[view] = { additionalModules: [translateModule(translations)] };
  });
  return new DmnModeler(options);
}

window.MahallaDmnModeler = { createModeler };

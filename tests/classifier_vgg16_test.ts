import { vgg16Plugin } from "../plugins/classifier/vgg16.ts";
import { classifierTests } from "./classifier_harness.ts";

await classifierTests(vgg16Plugin, { width: 4, blocks: 3, denseUnits: 16, batchNorm: true }, 3);

import { resnetPlugin } from "../plugins/classifier/resnet.ts";
import { classifierTests } from "./classifier_harness.ts";

await classifierTests(resnetPlugin, { width: 4, stages: [1, 1], stem: "small" }, 2);

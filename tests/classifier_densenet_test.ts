import { densenetPlugin } from "../plugins/classifier/densenet.ts";
import { classifierTests } from "./classifier_harness.ts";

await classifierTests(
  densenetPlugin,
  { width: 4, growthRate: 4, blocks: [1, 2], stem: "small" },
  2,
);

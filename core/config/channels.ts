/**
 * Channel recipes: which inputs a segmenter sees. The paper's shorthand `3Ch+CAM*` means
 * three copies of the grayscale slice plus the prior named `CAM*`; the explicit form
 * lists channels (`["image", "image", "CAM*"]`).
 *
 * @module
 */

/** The channel name that stands for the grayscale slice itself. */
export const IMAGE_CHANNEL = "image";

/** A resolved recipe: a display name and its channels in order. */
export interface ChannelRecipe {
  /** Name used in reports, e.g. `3Ch+CAM*`. */
  readonly name: string;
  /** `image` or a prior name, one entry per input channel. */
  readonly channels: readonly string[];
}

/** A recipe as written in an experiment file. */
export type ChannelRecipeInput = string | {
  readonly name?: string;
  readonly channels: readonly string[];
};

const SHORTHAND = /^(\d+)Ch((?:\+[^+\s]+)*)$/;

/**
 * Parses `nCh` optionally followed by `+PRIOR` terms, e.g. `1Ch`, `3Ch+CAM*`, `1Ch+CAM+POP`.
 * Throws an Error explaining the expected form when the text does not match.
 */
export function parseShorthand(text: string): ChannelRecipe {
  const match = SHORTHAND.exec(text.trim());
  if (!match) {
    throw new Error(
      `"${text}" is not a channel recipe: expected "<n>Ch" optionally followed by ` +
        `"+<prior>" terms (e.g. "1Ch", "3Ch+CAM*") or a list of channels`,
    );
  }
  const copies = Number(match[1]);
  if (copies < 1 || copies > 16) {
    throw new Error(`"${text}": the number of image copies must be between 1 and 16`);
  }
  const priors = match[2] === "" ? [] : match[2].slice(1).split("+");
  return {
    name: text.trim(),
    channels: [...Array(copies).fill(IMAGE_CHANNEL), ...priors],
  };
}

/** Resolves either form to a {@linkcode ChannelRecipe}. */
export function parseRecipe(input: ChannelRecipeInput): ChannelRecipe {
  if (typeof input === "string") return parseShorthand(input);
  if (input.channels.length === 0) throw new Error("a channel list needs at least one channel");
  return { name: input.name ?? recipeName(input.channels), channels: [...input.channels] };
}

/** The shorthand name of a channel list when it has one (`image,image,CAM` → `2Ch+CAM`). */
export function recipeName(channels: readonly string[]): string {
  const copies = channels.filter((c) => c === IMAGE_CHANNEL).length;
  const priors = channels.filter((c) => c !== IMAGE_CHANNEL);
  const imagesFirst = channels.slice(0, copies).every((c) => c === IMAGE_CHANNEL);
  if (copies > 0 && imagesFirst) return [`${copies}Ch`, ...priors].join("+");
  return channels.join(",");
}

/** Prior names a recipe needs, without duplicates. */
export function priorsOf(recipe: ChannelRecipe): string[] {
  return [...new Set(recipe.channels.filter((c) => c !== IMAGE_CHANNEL))];
}

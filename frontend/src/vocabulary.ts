/**
 * The words the services and the frontend share (school levels with their labels), read from the one
 * data file the Python services also read: libs/vocabulary/mejora_vocabulary/vocabulary.json.
 */
import vocabulary from "../../libs/vocabulary/mejora_vocabulary/vocabulary.json";

export type VocabularyLevel = (typeof vocabulary.levels)[number];

/** The fixed list of level codes, in order (early childhood, then primary). */
export const LEVEL_CODES: readonly string[] = vocabulary.levels.map((level) => level.code);

function labels(pick: (level: VocabularyLevel) => string): Readonly<Record<string, string>> {
  return Object.fromEntries(vocabulary.levels.map((level) => [level.code, pick(level)]));
}

/** Forms, messages and lists of the network directory ("NT1 / Prekínder"). */
export const LEVEL_LABELS = labels((level) => level.label);
/** Observation screens ("Prekínder (NT1)"). */
export const OBSERVATION_LEVEL_LABELS = labels((level) => level.observation_label);

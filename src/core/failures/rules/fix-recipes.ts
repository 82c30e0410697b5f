/**
 * The environment fixes the seeds applied by hand (DESIGN.md lesson 6) as data: what triggers each
 * one (the failure signatures that name it, src/core/failures/rules/failure-signatures.ts), what it changes,
 * and the caveat it adds to every comparison it touches. A recipe is applied to every variant of a
 * task, never to one alone, and always recorded.
 */
// One direction only: the signature table names recipe ids (FIX_RECIPE_IDS lives there), the
// recipes read the signatures that name them; failure-signatures.ts imports nothing from here.
import { FAILURE_SIGNATURES, FIX_RECIPE_IDS, type FixRecipeId } from './failure-signatures.js';

export { FIX_RECIPE_IDS, type FixRecipeId };

export type FixAction =
  | { type: 'pip-constraint'; spec: string }
  | { type: 'file-patch'; path: string; find: string; replace: string }
  /** Restore a file of the engine from its source tree at `fromRef` (default: the commit under test). */
  | { type: 'file-restore'; path: string; fromRef?: string };

export interface FixRecipe {
  id: FixRecipeId;
  title: string;
  trigger: { signatures: RegExp[]; versionRange?: { min?: string; max?: string } };
  action: FixAction;
  caveat: string;
  source: string;
}

/** The signature patterns whose rows name this recipe: one table decides, the other follows it. */
function signaturesFor(id: FixRecipeId): RegExp[] {
  return FAILURE_SIGNATURES.filter((row) => row.fix === id).map((row) => row.pattern);
}

const S000 = 'seeds/000_cc6954765d4c8c41.txt';

export const FIX_RECIPES: readonly FixRecipe[] = [
  {
    id: 'numpy-lt-2',
    title: 'Pin NumPy below 2',
    trigger: { signatures: signaturesFor('numpy-lt-2') },
    action: { type: 'pip-constraint', spec: 'numpy<2' },
    caveat: 'Environment fix numpy<2: NumPy 1.x instead of the image default; may change numerics or speed.',
    source: S000,
  },
  {
    id: 'aimv2-exist-ok',
    title: 'Register the aimv2 config with exist_ok=True',
    trigger: { signatures: signaturesFor('aimv2-exist-ok') },
    action: {
      type: 'file-patch',
      // Some commits register it in configs/ovis2.py instead; the applier tries the sibling too.
      path: 'vllm/transformers_utils/configs/ovis.py',
      find: 'AutoConfig.register("aimv2", AIMv2Config)',
      replace: 'AutoConfig.register("aimv2", AIMv2Config, exist_ok=True)',
    },
    caveat: 'Environment fix aimv2 exist_ok=True: engine source modified (a config registration only).',
    source: S000,
  },
  {
    id: 'restore-fa-utils',
    title: 'Restore vllm/vllm_flash_attn/fa_utils.py from the source tree',
    trigger: { signatures: signaturesFor('restore-fa-utils') },
    action: { type: 'file-restore', path: 'vllm/vllm_flash_attn/fa_utils.py' },
    caveat: 'Environment fix fa_utils.py: a file missing from the image was restored from the same commit.',
    source: 'seeds/003_3832605d3a1027c0.txt',
  },
  {
    id: 'transformers-lt-4.46',
    title: 'Pin transformers below 4.46',
    trigger: { signatures: signaturesFor('transformers-lt-4.46') },
    action: { type: 'pip-constraint', spec: 'transformers<4.46' },
    caveat: 'Environment fix transformers<4.46 (the seeds used 4.44.2): older tokenizer/model code than the image.',
    source: S000,
  },
  {
    id: 'outlines-no-pyairports',
    title: 'Use an outlines that does not import pyairports',
    trigger: { signatures: signaturesFor('outlines-no-pyairports') },
    // The pyairports on PyPI is an empty placeholder, so installing it does not help.
    action: { type: 'pip-constraint', spec: 'outlines<0.0.45' },
    caveat: 'Environment fix outlines<0.0.45: guided decoding library older than the image.',
    source: S000,
  },
];

const BY_ID = new Map<string, FixRecipe>(FIX_RECIPES.map((r) => [r.id, r]));

export function recipeById(id: string): FixRecipe | undefined {
  return BY_ID.get(id);
}

/** The recipe a classification names (`fix`), if any. */
export function recipeForClassification(c: { fix?: string }): FixRecipe | undefined {
  return c.fix ? BY_ID.get(c.fix) : undefined;
}

/** Every recipe whose trigger matches a line of `text` (a build log may need several). */
export function recipesForText(text: string): FixRecipe[] {
  return FIX_RECIPES.filter((r) => r.trigger.signatures.some((p) => p.test(text)));
}

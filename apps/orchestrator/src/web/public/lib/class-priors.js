// Which class priors the Try-it page can read a model under: the choices of `fermx predict
// --class-prior` (apps/gpu-worker/src/evaluation/class-prior-choice.ts), from the class mixes a
// model's metadata.json records (`classMix`: train, and uncapped when its dataset capped a class).

/**
 * 'trained' always; 'uncapped' (the class mix of the dataset's rows before the per-class caps)
 * when metadata.json records both mixes with a positive count for every class. Returns
 * { choices, why, classMix? } where classMix is { train, uncapped } when 'uncapped' is offered.
 */
export function classPriors(classes, metadata) {
  const mix = metadata?.classMix;
  if (!mix) return { choices: ['trained'], why: 'the model records no class mix (saved before fermx recorded it)' };
  if (!mix.uncapped) return { choices: ['trained'], why: 'its dataset caps no class: the mix it was trained on is the uncapped one' };
  const missing = classes.find((c) => !(Number(mix.train?.[c]) > 0 && Number(mix.uncapped[c]) > 0));
  if (missing !== undefined) return { choices: ['trained'], why: `its recorded class mix has no images of '${missing}'` };
  return { choices: ['trained', 'uncapped'], why: 'the model records the class mix before the caps', classMix: { train: mix.train, uncapped: mix.uncapped } };
}

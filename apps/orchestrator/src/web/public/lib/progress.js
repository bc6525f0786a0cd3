// A running trial's time left, from its progress (TrialProgress in @fermx/contracts, as the API
// and the event stream send it): the epochs still to run at the pace of the last one. One source
// for `fermx sweep status` and the page. It assumes the trial runs all its epochs (ASHA may stop
// it sooner) and that the next epochs take as long as the last (another worker's load changes that).

/** Seconds left, or undefined before the first epoch has finished or when the progress lacks a pace. */
export function secondsLeft(progress) {
  if (!progress || typeof progress !== 'object') return undefined;
  const { epoch, epochs, seconds } = progress;
  if (!Number.isInteger(epoch) || !Number.isInteger(epochs) || epoch < 1 || typeof seconds !== 'number' || !(seconds > 0) || !Number.isFinite(seconds))
    return undefined;
  return Math.max(0, epochs - epoch) * seconds;
}

/** "≈ 3 h 20 min left", "≈ 4 min left", "under a minute left"; "finishing" after the last epoch; '' when secondsLeft has no answer. */
export function timeLeftText(progress) {
  const left = secondsLeft(progress);
  if (left === undefined) return '';
  if (left === 0) return 'finishing';
  if (left < 60) return 'under a minute left';
  const minutes = Math.round(left / 60);
  const text = minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `≈ ${text} left`;
}

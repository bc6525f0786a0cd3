// Types of leaderboard-csv.js, for `fermx leaderboard --csv` and the unit tests (the page itself is plain JS, served as is).
// The argument is a leaderboard row (LeaderboardRow in @fermx/contracts, with RankedRow's marks when
// computed), typed loosely here so that the page's own type check stays free of Node types.
export const LEADERBOARD_CSV_HEADER: string[];
export function leaderboardCsvCells(row: object): (string | number | null)[];

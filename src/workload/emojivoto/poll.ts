// The voting service's state: votes per shortcode, results most-voted first. Pure and
// in memory, as in the real app (a restart forgets every vote).

export interface VotingResult {
  Shortcode: string;
  Votes: number;
}

export class Poll {
  readonly #votes = new Map<string, number>();

  vote(shortcode: string): number {
    const n = (this.#votes.get(shortcode) ?? 0) + 1;
    this.#votes.set(shortcode, n);
    return n;
  }

  /** Most votes first; ties keep the order of each emoji's first vote (the sort is stable). */
  results(): VotingResult[] {
    return [...this.#votes]
      .map(([Shortcode, Votes]) => ({ Shortcode, Votes }))
      .sort((a, b) => b.Votes - a.Votes);
  }
}

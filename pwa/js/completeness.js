// The profile completeness shown while a clerk types, before the server has the profile.
// The same weights as the server's rules (backend/regulars/customers/rules.py COMPLETENESS_WEIGHTS);
// once saved, the server's score is the one shown.

const WEIGHTS = {
  name: 10, gender: 5, birthday: 15, occupation: 10, interests: 10, plan: 10, monthly_spend_fen: 10,
  device_model: 10, device_purchased_on: 5, contract_end_on: 5, broadband: 5, family_lines: 5,
};

export function completeness(profile) {
  let score = 0;
  for (const [name, weight] of Object.entries(WEIGHTS)) {
    const value = profile[name];
    const filled = !(value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0));
    if (filled) score += weight;
  }
  return score;
}

/** The fields still empty, heaviest first: what to ask the customer next. */
export function missing(profile) {
  return Object.entries(WEIGHTS)
    .filter(([name]) => {
      const value = profile[name];
      return value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
    })
    .sort((a, b) => b[1] - a[1])
    .map(([name]) => name);
}

// A phone that is already a customer: open them if they are this store's, or, since the person is
// at the counter, make them this store's customer too (POST /customers/follow), then open them.

import * as api from "./api.js";

/** The customer behind a 409 as the caller can see them: { id, inReach, name, phone_masked }. */
export async function lookUp(existingId) {
  try {
    const customer = await api.get(`/api/v1/customers/${existingId}`);
    return { id: customer.id, inReach: true, name: customer.name, phone_masked: customer.phone_masked };
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 404) return { id: existingId, inReach: false };
    throw error;
  }
}

/** Makes the customer with this phone one of the store's customers; returns their id. */
export async function join(phone, consents = []) {
  const customer = await api.post("/api/v1/customers/follow", { phone, consents });
  return customer.id;
}

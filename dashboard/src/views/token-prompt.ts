// Asked for when the API answers 401: the steward pastes the API token; it stays in this tab's sessionStorage.
import { h } from "../element.ts";

export function tokenPrompt(onToken: (token: string) => void, rejected: boolean): HTMLElement {
  const input = h("input", {
    type: "password",
    name: "token",
    autocomplete: "off",
    required: true,
    "aria-label": "API token",
    "data-testid": "token-input",
  });
  const form = h(
    "form",
    {
      class: "token-prompt",
      "data-testid": "token-prompt",
      onsubmit: (event: Event) => {
        event.preventDefault();
        const token = input.value.trim();
        if (token) onToken(token);
      },
    },
    h("h2", {}, "API token"),
    h(
      "p",
      {},
      rejected
        ? "That token was refused. Paste the token the API was started with."
        : "This API needs a bearer token. It is kept for this tab only.",
    ),
    input,
    h("button", { type: "submit", "data-testid": "token-submit" }, "Open dashboard"),
  );
  return form;
}

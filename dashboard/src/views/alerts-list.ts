// Alerts, newest first, firing ones marked.
import type { AlertsResponse } from "../../../src/api/api-types.ts";
import { h } from "../element.ts";
import { ago } from "../format.ts";

export function alertsList(alerts: AlertsResponse["alerts"], nowSec = Date.now() / 1000): HTMLElement {
  if (alerts.length === 0) return h("p", { class: "empty" }, "No alerts.");
  return h(
    "ul",
    { class: "alerts" },
    alerts.map((alert) =>
      h(
        "li",
        {
          class: `alert alert-edge-${alert.severity} ${alert.status}`,
          "data-testid": `alert-row-${alert.key}`,
        },
        h(
          "header",
          {},
          h("span", { class: `badge severity-${alert.severity}` }, alert.severity),
          h("span", { class: `badge alert-${alert.status}` }, alert.status),
          h("strong", {}, alert.title),
        ),
        h("p", {}, alert.text),
        h("small", {}, [alert.bookId, ago(alert.atSec, nowSec)].filter(Boolean).join(" · ")),
      ),
    ),
  );
}

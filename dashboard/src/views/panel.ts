// A titled section of the page whose body is replaced on every refresh.
import { type Child, h, replaceContent } from "../element.ts";

export interface Panel {
  element: HTMLElement;
  show(...children: Child[]): void;
  showError(message: string): void;
}

export function panel(title: string, testId: string, extraClass = ""): Panel {
  const body = h("div", { class: "panel-body" }, h("p", { class: "empty" }, "Loading…"));
  const element = h(
    "section",
    { class: `panel ${extraClass}`.trim(), "data-testid": testId },
    h("h2", {}, title),
    body,
  );
  return {
    element,
    show: (...children) => replaceContent(body, ...children),
    showError: (message) => body.replaceChildren(h("p", { class: "error" }, message)),
  };
}

/** A table that stacks into label/value cards on a narrow screen (the label comes from `data-label`). */
export function stackedTable(
  headers: readonly string[],
  rows: readonly HTMLTableRowElement[],
  options: { testId?: string; empty: string },
): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty" }, options.empty);
  return h(
    "table",
    { class: "stack", "data-testid": options.testId },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headers.map((header) => h("th", { scope: "col" }, header)),
      ),
    ),
    h("tbody", {}, rows),
  );
}

/** A cell that carries its column's name for the stacked layout. */
export function cell(
  label: string,
  attributes: Record<string, string>,
  ...children: Child[]
): HTMLTableCellElement {
  return h("td", { "data-label": label, ...attributes }, h("div", { class: "cell-value" }, ...children));
}

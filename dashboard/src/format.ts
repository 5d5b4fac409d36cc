// How numbers read on the dashboard: units always shown, signs on anything that can go either way.

const usdFormat = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 0,
});
const usdCents = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 2,
});
const priceFormat = new Intl.NumberFormat("en-US", { minimumFractionDigits: 4, maximumFractionDigits: 4 });
const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

const DASH = "–";

function missing(value: number | null | undefined): value is null | undefined {
  return value === null || value === undefined || !Number.isFinite(value);
}

export function usd(value: number | null | undefined): string {
  if (missing(value)) return DASH;
  return (Math.abs(value) < 100 ? usdCents : usdFormat).format(value);
}

export function signedUsd(value: number | null | undefined): string {
  if (missing(value)) return DASH;
  return `${value > 0 ? "+" : ""}${usd(value)}`;
}

/** A stablecoin price: four decimals, so a 1 bps move shows. */
export function price(value: number | null | undefined): string {
  return missing(value) ? DASH : `$${priceFormat.format(value)}`;
}

export function bps(value: number | null | undefined): string {
  if (missing(value)) return DASH;
  const rounded = Math.abs(value) >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${rounded > 0 ? "+" : ""}${rounded} bps`;
}

export function ratio(value: number | null | undefined): string {
  return missing(value) ? DASH : value.toFixed(2);
}

export function percent(value: number | null | undefined, digits = 1): string {
  return missing(value) ? DASH : `${(value * 100).toFixed(digits)}%`;
}

export function count(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  const n = typeof value === "string" ? Number(value) : value;
  return Number.isFinite(n) ? integer.format(n) : String(value);
}

export function eth(value: number | null | undefined): string {
  return missing(value) ? DASH : `${value.toFixed(4)} ETH`;
}

export function duration(seconds: number | null | undefined): string {
  if (missing(seconds)) return DASH;
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

export function ago(atSec: number | null | undefined, nowSec = Date.now() / 1000): string {
  if (missing(atSec)) return DASH;
  const delta = nowSec - atSec;
  return delta < 0 ? `in ${duration(-delta)}` : `${duration(delta)} ago`;
}

export function clockTime(atSec: number): string {
  return new Date(atSec * 1000).toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** 0x1234…cdef: enough to recognise a hash or an address. */
export function shortHex(value: string | null | undefined): string {
  if (!value) return DASH;
  return value.length > 14 ? `${value.slice(0, 6)}…${value.slice(-4)}` : value;
}

// How numbers read on the dashboard: units always shown, signs on anything that can go either way, and a value
// far outside its usual scale (a runaway ratio, a dust size) in short scientific form, never a long digit string.

// "negative" / "exceptZero": a value that rounds to zero prints without a sign (no "-$0.00").
const usdFormat = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 0,
  signDisplay: "negative",
});
const usdCents = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 2,
  signDisplay: "negative",
});
const signedUsdFormat = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 0,
  signDisplay: "exceptZero",
});
const signedUsdCents = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 2,
  signDisplay: "exceptZero",
});
const priceFormat = new Intl.NumberFormat("en-US", { minimumFractionDigits: 4, maximumFractionDigits: 4 });
const assetPriceFormat = new Intl.NumberFormat("en-US", {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const baseAmountFormat = new Intl.NumberFormat("en-US", {
  minimumFractionDigits: 4,
  maximumFractionDigits: 4,
  signDisplay: "negative",
});
const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Beyond this many dollars a value is a fault to notice, not an amount to read digit by digit. */
const USD_SCIENTIFIC_FROM = 1e12;
/** Plain numbers (ratios, multiples, bps) at or beyond this magnitude print in scientific form. */
const PLAIN_SCIENTIFIC_FROM = 1e6;
/** A base amount under this reads as dust: it rounds to 0.0000. */
const DUST_BASE = 0.00005;

const DASH = "–";

function missing(value: number | null | undefined): value is null | undefined {
  return value === null || value === undefined || !Number.isFinite(value);
}

/** Two significant digits in scientific form, trimmed: 1.2e19 → "1.2e19", 0.000001 → "1e-6". */
export function scientific(value: number): string {
  const [mantissa = "", exponent = "0"] = value.toExponential(1).split("e");
  return `${mantissa.replace(/\.0$/, "")}e${Number(exponent)}`;
}

/** True when `value` is non-zero and its magnitude is below `smallest` or at least `largest`. */
function offScale(value: number, smallest: number, largest: number): boolean {
  const magnitude = Math.abs(value);
  return magnitude >= largest || (magnitude > 0 && magnitude < smallest);
}

/** A plain number with `significant` digits (thousands grouped), or scientific when far off scale. */
export function decimal(value: number | null | undefined, significant = 3): string {
  if (missing(value)) return DASH;
  if (offScale(value, 0.001, PLAIN_SCIENTIFIC_FROM)) return scientific(value);
  return Number(value.toPrecision(significant)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

export function usd(value: number | null | undefined): string {
  if (missing(value)) return DASH;
  if (Math.abs(value) >= USD_SCIENTIFIC_FROM) return `${value < 0 ? "-" : ""}$${scientific(Math.abs(value))}`;
  return (Math.abs(value) < 100 ? usdCents : usdFormat).format(value);
}

export function signedUsd(value: number | null | undefined): string {
  if (missing(value)) return DASH;
  if (Math.abs(value) >= USD_SCIENTIFIC_FROM)
    return `${value < 0 ? "-" : "+"}$${scientific(Math.abs(value))}`;
  return (Math.abs(value) < 100 ? signedUsdCents : signedUsdFormat).format(value);
}

/** A volatile asset's price (ETH, BTC): cents. */
export function assetPrice(value: number | null | undefined): string {
  if (missing(value)) return DASH;
  return Math.abs(value) >= USD_SCIENTIFIC_FROM ? usd(value) : `$${assetPriceFormat.format(value)}`;
}

/** An amount of the base asset: four decimals; a non-zero amount that rounds to 0.0000 reads "dust". */
export function baseAmount(value: number | null | undefined): string {
  if (missing(value)) return DASH;
  if (value !== 0 && Math.abs(value) < DUST_BASE) return "dust";
  return Math.abs(value) >= PLAIN_SCIENTIFIC_FROM ? scientific(value) : baseAmountFormat.format(value);
}

/** A multiple such as leverage or a hedge-size multiple: "4.00×". */
export function multiple(value: number | null | undefined): string {
  return missing(value) ? DASH : `${ratio(value)}×`;
}

/** A stablecoin price: four decimals, so a 1 bps move shows. */
export function price(value: number | null | undefined): string {
  return missing(value) ? DASH : `$${priceFormat.format(value)}`;
}

/** The number part of a bps value: whole bps from 10 up, tenths below, scientific when absurd. */
function bpsNumber(value: number): string {
  if (Math.abs(value) >= PLAIN_SCIENTIFIC_FROM) return scientific(value);
  const rounded = Math.abs(value) >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  // String(-0) is "0": a value that rounds to zero carries no sign.
  return String(rounded);
}

export function bps(value: number | null | undefined): string {
  if (missing(value)) return DASH;
  const number = bpsNumber(value);
  return `${value > 0 && number !== "0" ? "+" : ""}${number} bps`;
}

/** A distance or width in bps, never signed: "7,412 bps". */
export function bpsMagnitude(value: number | null | undefined): string {
  if (missing(value)) return DASH;
  const magnitude = Math.abs(value);
  return `${magnitude >= 10 && magnitude < PLAIN_SCIENTIFIC_FROM ? integer.format(magnitude) : bpsNumber(magnitude)} bps`;
}

/** A mean and its standard deviation in bps: "+4.8 ± 1.3 bps". */
export function bpsMeanStd(mean: number | null | undefined, std: number | null | undefined): string {
  if (missing(mean)) return DASH;
  const sign = mean > 0 && bpsNumber(mean) !== "0" ? "+" : "";
  const spread = missing(std) ? "" : ` ± ${bpsNumber(Math.abs(std))}`;
  return `${sign}${bpsNumber(mean)}${spread} bps`;
}

export function ratio(value: number | null | undefined): string {
  if (missing(value)) return DASH;
  return offScale(value, 0.005, PLAIN_SCIENTIFIC_FROM) ? scientific(value) : value.toFixed(2);
}

/** A move or change as a signed percent: "+31.8%", "-4.2%". */
export function signedPercent(value: number | null | undefined, digits = 1): string {
  const text = percent(value, digits);
  return missing(value) || value <= 0 || text.startsWith("0.0") ? text : `+${text}`;
}

export function percent(value: number | null | undefined, digits = 1): string {
  if (missing(value)) return DASH;
  const hundredths = value * 100;
  // Below half the last digit it would print as 0.0…%; beyond a million it would print every digit.
  if (offScale(hundredths, 0.5 * 10 ** -digits, PLAIN_SCIENTIFIC_FROM)) return `${scientific(hundredths)}%`;
  return `${hundredths.toFixed(digits)}%`;
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

/** An age in whole seconds, as feeds and heartbeats are configured, with minutes or hours beside it when long. */
export function seconds(value: number | null | undefined): string {
  if (missing(value)) return DASH;
  const exact = `${integer.format(Math.round(value))} s`;
  return Math.abs(value) < 90 ? exact : `${exact} (${duration(Math.abs(value))})`;
}

/**
 * How long ago: an age is never in the future. A time stamped ahead of this clock (a devnet that advanced time, a
 * skewed host) reads "just now", as does anything under a second old.
 */
export function ago(atSec: number | null | undefined, nowSec = Date.now() / 1000): string {
  if (missing(atSec)) return DASH;
  const delta = nowSec - atSec;
  return delta < 1 ? "just now" : `${duration(delta)} ago`;
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

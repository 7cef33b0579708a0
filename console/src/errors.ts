// What a refused call means, in the words of the person who made it: the server's
// LocalizedMessage (it answers in the caller's language, from Accept-Language), else
// our catalogue's words for the ErrorInfo reason, else the status code in words with
// the server's message. Offending fields (BadRequest) are listed after it.

import { Code, ConnectError } from "@connectrpc/connect";
import {
  BadRequestSchema,
  ErrorInfoSchema,
  LocalizedMessageSchema,
} from "./gen/google/rpc/error_details_pb";
import { hasMessage, translate, type Locale } from "./i18n";

export interface Explained {
  /** One sentence for the person. */
  message: string;
  /** The offending fields, with what is wrong with each. */
  fields: { field: string; description: string }[];
  /** The ErrorInfo reason, for code that reacts to one (sign-in again). */
  reason?: string;
  code: Code;
}

const codeNames: Partial<Record<Code, string>> = {
  [Code.Unauthenticated]: "UNAUTHENTICATED",
  [Code.PermissionDenied]: "PERMISSION_DENIED",
  [Code.NotFound]: "NOT_FOUND",
  [Code.Aborted]: "ABORTED",
  [Code.FailedPrecondition]: "FAILED_PRECONDITION",
  [Code.InvalidArgument]: "INVALID_ARGUMENT",
  [Code.Unavailable]: "UNAVAILABLE",
  [Code.ResourceExhausted]: "RESOURCE_EXHAUSTED",
};

export function explain(locale: Locale, error: unknown): Explained {
  const err = ConnectError.from(error);
  const info = err.findDetails(ErrorInfoSchema)[0];
  const localized = err.findDetails(LocalizedMessageSchema)[0];
  const bad = err.findDetails(BadRequestSchema)[0];
  const fields = (bad?.fieldViolations ?? []).map((v) => ({
    field: v.field,
    description: v.description,
  }));
  const reasonKey = info ? `error.reason.${info.reason}` : "";
  let message: string;
  if (localized?.message && localized.locale.toLowerCase().startsWith(locale === "en" ? "en" : "zh")) {
    message = localized.message;
  } else if (hasMessage(reasonKey)) {
    message = translate(locale, reasonKey);
  } else if (err.code === Code.Unavailable && !info) {
    message = translate(locale, "error.network");
  } else {
    const name = codeNames[err.code];
    const codeKey = `error.code.${name ?? ""}`;
    message = translate(locale, "error.generic", {
      code: hasMessage(codeKey) ? translate(locale, codeKey) : Code[err.code],
      message: err.rawMessage,
    });
  }
  return { message, fields, reason: info?.reason, code: err.code };
}

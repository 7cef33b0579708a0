import { create, type DescMessage, type Message } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  BadRequestSchema,
  ErrorInfoSchema,
  LocalizedMessageSchema,
} from "./gen/google/rpc/error_details_pb";
import { explain } from "./errors";

// As connect-web hands them over: the details decoded from grpc-status-details-bin.
function refused(code: Code, details: [DescMessage, Message][]) {
  return new ConnectError(
    "raw server message",
    code,
    undefined,
    details.map(([desc, value]) => ({ desc, value }) as never),
  );
}

describe("a refused call in words", () => {
  it("shows the server's localized message in the person's language", () => {
    const err = refused(Code.Aborted, [
      [ErrorInfoSchema, create(ErrorInfoSchema, { reason: "STALE_ETAG", domain: "yishe" })],
      [LocalizedMessageSchema, create(LocalizedMessageSchema, { locale: "zh-CN", message: "该记录已被他人修改。" })],
    ]);
    const explained = explain("zh-CN", err);
    expect(explained.message).toBe("该记录已被他人修改。");
    expect(explained.reason).toBe("STALE_ETAG");
  });

  it("maps a known reason when the message is in another language", () => {
    const err = refused(Code.Aborted, [
      [ErrorInfoSchema, create(ErrorInfoSchema, { reason: "STALE_ETAG" })],
      [LocalizedMessageSchema, create(LocalizedMessageSchema, { locale: "zh-CN", message: "该记录已被他人修改。" })],
    ]);
    expect(explain("en", err).message).toBe("Someone else changed this record; reload and try again.");
  });

  it("falls back to the code in words and lists the offending fields", () => {
    const err = refused(Code.InvalidArgument, [
      [
        BadRequestSchema,
        create(BadRequestSchema, {
          fieldViolations: [{ field: "responses[0].answers.item9", description: "is required" }],
        }),
      ],
    ]);
    const explained = explain("zh-CN", err);
    expect(explained.message).toBe("操作未完成（填写有误）：raw server message");
    expect(explained.fields).toEqual([{ field: "responses[0].answers.item9", description: "is required" }]);
  });

  it("says the server cannot be reached for a failed fetch", () => {
    expect(explain("zh-CN", new ConnectError("fetch failed", Code.Unavailable)).message).toBe(
      "无法连接服务器，请检查网络后重试。",
    );
  });
});

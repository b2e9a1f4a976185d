using System.Net;

namespace Agents.Backends.Http;

/// <summary>A failed HTTP exchange (or an error event inside a stream), everything the error mapper needs.</summary>
/// <param name="StatusCode">The HTTP status, or the status the provider's error type stands for inside a stream.</param>
/// <param name="RequestId">The provider's request id header, if any.</param>
/// <param name="Body">The body as received (not yet redacted).</param>
/// <param name="Error">The parsed error object, if the body held one.</param>
/// <param name="RetryAfter">The capped wait the server asked for, if any.</param>
internal sealed record HttpFailure(HttpStatusCode StatusCode, string? RequestId, string Body, ProviderErrorBody? Error, TimeSpan? RetryAfter);

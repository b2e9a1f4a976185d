using System.Text.Json;
using Agents.Backends.Anthropic.Messages;
using Agents.Backends.Http;

namespace Agents.Backends.Anthropic.Models;

/// <summary>
/// Walks Anthropic's paginated model list (<c>GET v1/models?limit=…&amp;after_id=…</c>) until <c>has_more</c> is false.
/// Each page is its own exchange with its own timeout; a page cap stops a server whose cursor never advances.
/// </summary>
internal sealed class AnthropicModelLister(HttpBackendTransport transport, Func<string, HttpRequestMessage> createGet)
{
    /// <summary>The most pages followed; at <see cref="PageSize"/> models a page, far beyond any real catalogue.</summary>
    public const int MaxPages = 50;

    /// <summary>The largest page the API accepts, so a normal listing is one request.</summary>
    public const int PageSize = 1000;

    private string Provider => transport.Settings.Provider;

    public async Task<IReadOnlyList<AnthropicModelInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var models = new List<AnthropicModelInfo>();
        string? afterId = null;
        for (var page = 0; page < MaxPages; page++)
        {
            using var scope = new CallScope(transport.Settings.Timeout, transport.Settings.TimeProvider, cancellationToken);
            using var request = createGet(PathFor(afterId));
            using var response = await transport.SendAsync(request, body: null, scope).ConfigureAwait(false);
            using var document = await transport.ReadJsonAsync(response, scope).ConfigureAwait(false);
            var root = document.RootElement;
            if (ProviderErrorBody.TryRead(root) is { } error)
            {
                throw transport.StreamError(error, root.GetRawText(), response);
            }

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                throw Malformed(response, root, "without a 'data' array");
            }

            transport.ReadShaped(response, data, d => AddModels(d, models));
            if (!(root.TryGetProperty("has_more", out var hasMore) && hasMore.ValueKind == JsonValueKind.True))
            {
                return models;
            }

            // Without a cursor the next page cannot be asked for; stopping here would silently drop models.
            afterId = AnthropicResponseReader.GetString(root, "last_id") ?? throw Malformed(response, root, "with has_more but no 'last_id'");
        }

        throw new ProviderException($"{Provider} still reported more models after {MaxPages} pages of GET v1/models; the listing was abandoned.")
        {
            Provider = Provider,
            ErrorCode = "too_many_pages",
        };
    }

    private static string PathFor(string? afterId) =>
        afterId is null
            ? $"v1/models?limit={PageSize}"
            : $"v1/models?limit={PageSize}&after_id={Uri.EscapeDataString(afterId)}";

    private static bool AddModels(JsonElement data, List<AnthropicModelInfo> models)
    {
        foreach (var item in data.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || AnthropicResponseReader.GetString(item, "id") is not { } id)
            {
                continue;
            }

            DateTimeOffset? createdAt = item.TryGetProperty("created_at", out var c) && c.ValueKind == JsonValueKind.String && c.TryGetDateTimeOffset(out var when)
                ? when
                : null;
            models.Add(new AnthropicModelInfo(id, AnthropicResponseReader.GetString(item, "display_name"), createdAt));
        }

        return true;
    }

    private ProviderException Malformed(HttpResponseMessage response, JsonElement root, string what) =>
        new($"{Provider} answered GET v1/models {what}.")
        {
            Provider = Provider,
            StatusCode = (int)response.StatusCode,
            RequestId = transport.RequestId(response),
            BodyExcerpt = ProviderErrorMapper.Excerpt(root.GetRawText(), transport.Settings.Redactor),
        };
}

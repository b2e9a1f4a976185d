using System.Net.Http.Headers;
using Agents.Backends.Http;
using Agents.Configuration;

namespace Agents.Backends.OpenAI;

/// <summary>The HTTP side shared by the chat and embedding generators: checked settings, endpoint, headers.</summary>
internal sealed class OpenAIConnection
{
    private readonly string? _apiKey;
    private readonly OpenAIGeneratorOptions _options;

    public OpenAIConnection(OpenAIGeneratorOptions options, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionsValidator.ThrowIfInvalid(options, nameof(options));
        _options = options;
        _apiKey = options.ResolveApiKey();
        Settings = new HttpBackendSettings
        {
            Provider = OpenAIGenerator.ProviderName,
            Endpoint = HttpBackendSettings.NormalizeBase(options.Endpoint!),
            RequestIdHeader = "x-request-id",
            Timeout = options.Timeout,
            MaxRetryAfter = options.MaxRetryAfter,
            Redactor = new SecretRedactor(_apiKey, EndpointRedaction.UserInfoSecret(options.Endpoint)),
            LogSensitiveData = options.EnableSensitiveDataLogging,
            TimeProvider = timeProvider ?? TimeProvider.System,
            MaxErrorBodyBytes = options.MaxErrorBodyBytes,
            MaxResponseBodyBytes = options.MaxResponseBodyBytes,
            MaxStreamEventBytes = options.MaxStreamEventBytes,
        };
    }

    public OpenAIGeneratorOptions Options => _options;

    public HttpBackendSettings Settings { get; }

    public HttpRequestMessage CreateRequest(HttpMethod method, string path, bool stream = false)
    {
        var request = new HttpRequestMessage(method, new Uri(Settings.Endpoint, path));
        if (_apiKey is not null)
        {
            if (string.Equals(_options.ApiKeyHeaderName, "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(_options.ApiKeyHeaderName, _apiKey);
            }
        }

        if (_options.Organization is { Length: > 0 } organization)
        {
            request.Headers.TryAddWithoutValidation("OpenAI-Organization", organization);
        }

        if (_options.Project is { Length: > 0 } project)
        {
            request.Headers.TryAddWithoutValidation("OpenAI-Project", project);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(stream ? "text/event-stream" : "application/json"));
        return request;
    }
}

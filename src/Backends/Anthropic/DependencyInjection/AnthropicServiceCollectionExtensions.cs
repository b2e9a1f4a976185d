using Agents;
using Agents.Backends.Anthropic;
using Agents.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Anthropic backend with an <see cref="HttpClient"/> from <c>IHttpClientFactory</c>.</summary>
public static class AnthropicServiceCollectionExtensions
{
    /// <summary>The name of the <c>IHttpClientFactory</c> client the backend uses; configure handlers or proxies on it.</summary>
    public const string HttpClientName = "Agents.Anthropic";

    /// <summary>
    /// Registers an <see cref="AnthropicGenerator"/> as the application's <see cref="IGenerator"/>, its
    /// <see cref="AnthropicGeneratorOptions"/> bound from <paramref name="section"/> (e.g. <c>Agents:Anthropic</c>) and
    /// validated at start-up: a missing <c>Model</c> fails naming <c>Agents:Anthropic:Model</c>, a missing key (neither
    /// <c>ApiKey</c> nor <c>ANTHROPIC_API_KEY</c>) naming <c>Agents:Anthropic:ApiKey</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section holding <c>Model</c>, <c>ApiKey</c>, <c>Endpoint</c>, <c>Timeout</c>, …</param>
    /// <returns>The builder, to add middleware with <c>Use…</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static GeneratorBuilder AddAnthropicGenerator(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddValidatedOptions<AnthropicGeneratorOptions>(section);
        AddHttpClient(services);
        return services.AddGenerator(Create);
    }

    /// <summary>Registers an <see cref="AnthropicGenerator"/> configured in code; the options are validated at start-up.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options (at least <see cref="AnthropicGeneratorOptions.Model"/>).</param>
    /// <returns>The builder, to add middleware with <c>Use…</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static GeneratorBuilder AddAnthropicGenerator(this IServiceCollection services, Action<AnthropicGeneratorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton<IValidateOptions<AnthropicGeneratorOptions>>(new ConfigurationKeyValidator<AnthropicGeneratorOptions>(Options.Options.DefaultName, null));
        services.AddOptions<AnthropicGeneratorOptions>().Configure(configure).ValidateOnStart();
        AddHttpClient(services);
        return services.AddGenerator(Create);
    }

    /// <summary>
    /// Registers an <see cref="AnthropicGenerator"/> as a keyed <see cref="IGenerator"/> (resolved with <c>[FromKeyedServices(key)]</c>),
    /// its <see cref="AnthropicGeneratorOptions"/> bound from <paramref name="section"/> as the named options <paramref name="serviceKey"/>
    /// and validated at start-up, so several generators with different endpoints, models and keys live side by side.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key, also the name of the options instance (for example "fast" or "smart").</param>
    /// <param name="section">The section holding this generator's settings (for example <c>Agents:Anthropic:Fast</c>).</param>
    /// <returns>The builder, to add middleware with <c>Use…</c> to this keyed pipeline only.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="serviceKey"/> is null, empty or white space.</exception>
    public static GeneratorBuilder AddKeyedAnthropicGenerator(this IServiceCollection services, string serviceKey, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceKey);
        ArgumentNullException.ThrowIfNull(section);
        services.AddValidatedOptions<AnthropicGeneratorOptions>(section, serviceKey);
        AddHttpClient(services);
        return services.AddKeyedGenerator(serviceKey, sp => Create(sp, serviceKey));
    }

    // The backend owns its timeouts (re-armed per stream event), so the client's own 100 s cap is switched off;
    // redirects are followed by the backend (same origin only, never carrying the key to another host).
    private static void AddHttpClient(IServiceCollection services) =>
        services.AddHttpClient(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });

    private static AnthropicGenerator Create(IServiceProvider services) => new(
        services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
        services.GetRequiredService<IOptions<AnthropicGeneratorOptions>>().Value,
        services.GetService<ILoggerFactory>(),
        services.GetService<TimeProvider>());

    private static AnthropicGenerator Create(IServiceProvider services, string optionsName) => new(
        services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
        services.GetRequiredService<IOptionsMonitor<AnthropicGeneratorOptions>>().Get(optionsName),
        services.GetService<ILoggerFactory>(),
        services.GetService<TimeProvider>());
}

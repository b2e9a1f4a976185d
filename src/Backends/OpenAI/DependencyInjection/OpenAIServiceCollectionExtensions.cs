using Agents;
using Agents.Backends.OpenAI;
using Agents.Configuration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers OpenAI-compatible backends (chat and embeddings) with an <see cref="HttpClient"/> from <c>IHttpClientFactory</c>.</summary>
public static class OpenAIServiceCollectionExtensions
{
    /// <summary>The name of the <c>IHttpClientFactory</c> client the backends use; configure handlers or proxies on it.</summary>
    public const string HttpClientName = "Agents.OpenAI";

    /// <summary>
    /// Registers an <see cref="OpenAIGenerator"/> as the application's <see cref="IGenerator"/>, its
    /// <see cref="OpenAIGeneratorOptions"/> bound from <paramref name="section"/> (e.g. <c>Agents:OpenAI</c>) and validated
    /// at start-up: a missing <c>Model</c> fails naming <c>Agents:OpenAI:Model</c>. The key falls back to <c>OPENAI_API_KEY</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section holding <c>Endpoint</c>, <c>Model</c>, <c>ApiKey</c>, <c>Timeout</c>, …</param>
    /// <returns>The builder, to add middleware with <c>Use…</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static GeneratorBuilder AddOpenAIGenerator(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddValidatedOptions<OpenAIGeneratorOptions>(section);
        AddHttpClient(services);
        return services.AddGenerator(CreateGenerator);
    }

    /// <summary>Registers an <see cref="OpenAIGenerator"/> configured in code; the options are validated at start-up.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options (at least <see cref="OpenAIGeneratorOptions.Model"/>).</param>
    /// <returns>The builder, to add middleware with <c>Use…</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static GeneratorBuilder AddOpenAIGenerator(this IServiceCollection services, Action<OpenAIGeneratorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        AddCodeOptions(services, configure);
        AddHttpClient(services);
        return services.AddGenerator(CreateGenerator);
    }

    /// <summary>
    /// Registers an <see cref="OpenAIEmbeddingGenerator"/> as <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>
    /// of <see cref="string"/> and <see cref="Embedding{T}"/> of <see cref="float"/>, with the same options as the chat generator
    /// (bound from <paramref name="section"/>; <c>EmbeddingModel</c> names the model, else <c>Model</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section, e.g. <c>Agents:OpenAI</c>.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddOpenAIEmbeddingGenerator(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        if (!services.Any(d => d.ServiceType == typeof(IConfigureOptions<OpenAIGeneratorOptions>)))
        {
            services.AddValidatedOptions<OpenAIGeneratorOptions>(section);
        }

        AddHttpClient(services);
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new OpenAIEmbeddingGenerator(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<IOptions<OpenAIGeneratorOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// Registers an <see cref="OpenAIGenerator"/> as a keyed <see cref="IGenerator"/> (resolved with <c>[FromKeyedServices(key)]</c>),
    /// its <see cref="OpenAIGeneratorOptions"/> bound from <paramref name="section"/> as the named options <paramref name="serviceKey"/>
    /// and validated at start-up, so several generators with different endpoints, models and keys live side by side.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key, also the name of the options instance (for example "fast" or "smart").</param>
    /// <param name="section">The section holding this generator's settings (for example <c>Agents:OpenAI:Fast</c>).</param>
    /// <returns>The builder, to add middleware with <c>Use…</c> to this keyed pipeline only.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="serviceKey"/> is null, empty or white space.</exception>
    public static GeneratorBuilder AddKeyedOpenAIGenerator(this IServiceCollection services, string serviceKey, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceKey);
        ArgumentNullException.ThrowIfNull(section);
        services.AddValidatedOptions<OpenAIGeneratorOptions>(section, serviceKey);
        AddHttpClient(services);
        return services.AddKeyedGenerator(serviceKey, sp => CreateGenerator(sp, serviceKey));
    }

    private static void AddCodeOptions(IServiceCollection services, Action<OpenAIGeneratorOptions> configure)
    {
        services.AddSingleton<IValidateOptions<OpenAIGeneratorOptions>>(new ConfigurationKeyValidator<OpenAIGeneratorOptions>(Options.Options.DefaultName, null));
        services.AddOptions<OpenAIGeneratorOptions>().Configure(configure).ValidateOnStart();
    }

    // The backends own their timeouts (re-armed per stream chunk), so the client's own 100 s cap is switched off;
    // redirects are followed by the backends (same origin only, never carrying the key to another host).
    private static void AddHttpClient(IServiceCollection services) =>
        services.AddHttpClient(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });

    private static OpenAIGenerator CreateGenerator(IServiceProvider services) => new(
        services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
        services.GetRequiredService<IOptions<OpenAIGeneratorOptions>>().Value,
        services.GetService<ILoggerFactory>(),
        services.GetService<TimeProvider>());

    private static OpenAIGenerator CreateGenerator(IServiceProvider services, string optionsName) => new(
        services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
        services.GetRequiredService<IOptionsMonitor<OpenAIGeneratorOptions>>().Get(optionsName),
        services.GetService<ILoggerFactory>(),
        services.GetService<TimeProvider>());
}

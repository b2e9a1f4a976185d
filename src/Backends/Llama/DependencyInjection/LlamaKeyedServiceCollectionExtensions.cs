using Agents;
using Agents.Backends.Llama;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers local llama.cpp backends under keys, for applications that load several models.</summary>
public static class LlamaKeyedServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="LlamaGenerator"/> as a keyed <see cref="IGenerator"/> (resolved with
    /// <c>[FromKeyedServices(key)]</c>), its <see cref="LlamaModelOptions"/> bound from <paramref name="section"/> as the
    /// named options <paramref name="serviceKey"/> and validated at start-up.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key, also the name of the options instance (for example "small" or "large").</param>
    /// <param name="section">The section holding this model's settings (for example <c>Agents:Llama:Small</c>).</param>
    /// <returns>The builder, to add middleware with <c>Use…</c> to this keyed pipeline only.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="serviceKey"/> is null, empty or white space.</exception>
    public static GeneratorBuilder AddKeyedLlamaGenerator(this IServiceCollection services, string serviceKey, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceKey);
        ArgumentNullException.ThrowIfNull(section);
        services.AddValidatedOptions<LlamaModelOptions>(section, serviceKey);
        return services.AddKeyedGenerator(serviceKey, sp => new LlamaGenerator(
            sp.GetRequiredService<IOptionsMonitor<LlamaModelOptions>>().Get(serviceKey),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>()));
    }
}

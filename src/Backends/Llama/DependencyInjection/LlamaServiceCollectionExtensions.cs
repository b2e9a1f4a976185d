using Agents;
using Agents.Backends.Llama;
using Agents.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the local llama.cpp backend as the application's <see cref="IGenerator"/>.</summary>
public static class LlamaServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="LlamaGenerator"/> whose <see cref="LlamaModelOptions"/> are bound from
    /// <paramref name="section"/> (e.g. <c>Agents:Llama</c>) and validated at start-up; a bad value is reported under
    /// its full configuration key.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">
    /// The configuration section holding <c>ModelPath</c>, <c>ContextSize</c>, <c>MaxConcurrentSequences</c>, … (the
    /// <see cref="LlamaModelOptions.Load"/> and <see cref="LlamaModelOptions.Scheduling"/> settings, flat) and the
    /// <c>PrefixCache</c> sub-section.
    /// </param>
    /// <returns>The builder, to add middleware with <c>Use…</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static GeneratorBuilder AddLlamaGenerator(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddValidatedOptions<LlamaModelOptions>(section);
        return services.AddGenerator(Create);
    }

    /// <summary>Registers a <see cref="LlamaGenerator"/> configured in code; the options are validated at start-up.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options (at least <see cref="LlamaLoadOptions.ModelPath"/>).</param>
    /// <returns>The builder, to add middleware with <c>Use…</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static GeneratorBuilder AddLlamaGenerator(this IServiceCollection services, Action<LlamaModelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton<IValidateOptions<LlamaModelOptions>>(new ConfigurationKeyValidator<LlamaModelOptions>(Options.Options.DefaultName, null));
        services.AddOptions<LlamaModelOptions>().Configure(configure).ValidateOnStart();
        return services.AddGenerator(Create);
    }

    private static LlamaGenerator Create(IServiceProvider services) => new(
        services.GetRequiredService<IOptions<LlamaModelOptions>>().Value,
        services.GetService<ILoggerFactory>(),
        services.GetService<TimeProvider>());
}

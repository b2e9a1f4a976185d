using Agents;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers generator pipelines with dependency injection.</summary>
public static class GeneratorServiceCollectionExtensions
{
    /// <summary>Registers <paramref name="innerGenerator"/> as the application's <see cref="IGenerator"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="innerGenerator">The backend at the end of the pipeline.</param>
    /// <param name="lifetime">The lifetime of the built pipeline; <see cref="ServiceLifetime.Singleton"/> by default.</param>
    /// <returns>The builder, to add middleware with <c>Use…</c>.</returns>
    public static GeneratorBuilder AddGenerator(
        this IServiceCollection services, IGenerator innerGenerator, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(innerGenerator);
        return services.AddGenerator(_ => innerGenerator, lifetime);
    }

    /// <summary>Registers a pipeline whose backend is made from the service provider.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="innerGeneratorFactory">Makes the backend at the end of the pipeline.</param>
    /// <param name="lifetime">The lifetime of the built pipeline; <see cref="ServiceLifetime.Singleton"/> by default.</param>
    /// <returns>The builder, to add middleware with <c>Use…</c>.</returns>
    public static GeneratorBuilder AddGenerator(
        this IServiceCollection services,
        Func<IServiceProvider, IGenerator> innerGeneratorFactory,
        ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(innerGeneratorFactory);
        var builder = new GeneratorBuilder(innerGeneratorFactory);
        services.Add(new ServiceDescriptor(typeof(IGenerator), sp => builder.Build(sp), lifetime));
        return builder;
    }

    /// <summary>Registers <paramref name="innerGenerator"/> as a keyed <see cref="IGenerator"/>, resolved with <c>[FromKeyedServices(key)]</c>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key (for example "local" or "hosted").</param>
    /// <param name="innerGenerator">The backend at the end of the pipeline.</param>
    /// <param name="lifetime">The lifetime of the built pipeline; <see cref="ServiceLifetime.Singleton"/> by default.</param>
    /// <returns>The builder, to add middleware with <c>Use…</c>.</returns>
    public static GeneratorBuilder AddKeyedGenerator(
        this IServiceCollection services, object? serviceKey, IGenerator innerGenerator, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(innerGenerator);
        return services.AddKeyedGenerator(serviceKey, _ => innerGenerator, lifetime);
    }

    /// <summary>Registers a keyed pipeline whose backend is made from the service provider.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key (for example "local" or "hosted").</param>
    /// <param name="innerGeneratorFactory">Makes the backend at the end of the pipeline.</param>
    /// <param name="lifetime">The lifetime of the built pipeline; <see cref="ServiceLifetime.Singleton"/> by default.</param>
    /// <returns>The builder, to add middleware with <c>Use…</c>.</returns>
    public static GeneratorBuilder AddKeyedGenerator(
        this IServiceCollection services,
        object? serviceKey,
        Func<IServiceProvider, IGenerator> innerGeneratorFactory,
        ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(innerGeneratorFactory);
        var builder = new GeneratorBuilder(innerGeneratorFactory);
        services.Add(new ServiceDescriptor(typeof(IGenerator), serviceKey, (sp, _) => builder.Build(sp), lifetime));
        return builder;
    }
}

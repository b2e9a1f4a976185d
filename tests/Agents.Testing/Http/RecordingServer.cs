using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agents.Backends.Testing;

/// <summary>One request as the server received it.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 (random port) that records every request and answers with the current
/// <see cref="Handler"/>: canned JSON, SSE streams (optionally slow or cut off), errors, aborted connections.
/// </summary>
public sealed class RecordingServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RecordingServer(WebApplication app)
    {
        _app = app;
    }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public Func<HttpContext, Task> Handler { get; set; } = ctx => Json(ctx, 200, "{}");

    public Uri BaseAddress { get; private set; } = null!;

    public RecordedRequest LastRequest => Requests.Last();

    public static async Task<RecordingServer> StartAsync(string basePath = "/v1/")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new RecordingServer(app);
        app.Run(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(ctx.RequestAborted);
            var headers = ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            server.Requests.Enqueue(new RecordedRequest(ctx.Request.Method, ctx.Request.Path.Value ?? string.Empty, headers, body));
            try
            {
                await server.Handler(ctx);
            }
            catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
            {
                // The client went away (cancellation or timeout tests): nothing left to answer.
            }
        });
        await app.StartAsync();
        var address = app.Urls.First();
        server.BaseAddress = new Uri(new Uri(address), basePath);
        return server;
    }

    public static async Task Json(HttpContext ctx, int status, string json, params (string Name, string Value)[] headers)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        foreach (var (name, value) in headers)
        {
            ctx.Response.Headers[name] = value;
        }

        await ctx.Response.WriteAsync(json, ctx.RequestAborted);
    }

    /// <summary>Streams raw SSE frames (each already "data: …\n\n" or "event: …\ndata: …\n\n"), flushing each.</summary>
    public static async Task Sse(HttpContext ctx, IEnumerable<string> frames, TimeSpan delay = default, params (string Name, string Value)[] headers)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        foreach (var (name, value) in headers)
        {
            ctx.Response.Headers[name] = value;
        }

        await ctx.Response.StartAsync(ctx.RequestAborted);
        foreach (var frame in frames)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, ctx.RequestAborted);
            }

            await ctx.Response.WriteAsync(frame, ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        }
    }

    /// <summary>
    /// Answers with <paramref name="status"/> and a body that never ends: <paramref name="head"/>, then
    /// <paramref name="filler"/> repeated (64 KiB a write) until the client goes away. A client that reads it all
    /// never finishes; one that caps its reads stays small.
    /// </summary>
    public static async Task Endless(HttpContext ctx, int status, string contentType, string head, char filler)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        await ctx.Response.StartAsync(ctx.RequestAborted);
        await ctx.Response.WriteAsync(head, ctx.RequestAborted);
        var chunk = Encoding.UTF8.GetBytes(new string(filler, 64 * 1024));
        try
        {
            while (!ctx.RequestAborted.IsCancellationRequested)
            {
                await ctx.Response.Body.WriteAsync(chunk, ctx.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client hung up: that is the point.
        }
    }

    /// <summary>Answers with a redirect to <paramref name="location"/>.</summary>
    public static Task Redirect(HttpContext ctx, int status, string location)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.Headers.Location = location;
        return Task.CompletedTask;
    }

    /// <summary>Waits (until the client gives up) without answering.</summary>
    public static Task Hang(HttpContext ctx) => Task.Delay(Timeout.Infinite, ctx.RequestAborted);

    /// <summary>Returns a port on 127.0.0.1 where nothing listens.</summary>
    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

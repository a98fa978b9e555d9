package dev.sessionreporter.karaf;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Another application's Camel in the same Karaf, at its worst: a bundle that exports every package of the Camel jars
 * the reporter embeds, but contains none of their classes (as an older or newer Camel would lack some). A bundle that
 * wires any Camel package to it (DynamicImport-Package, an Import-Package of Camel) then fails with
 * ClassNotFoundException; a self-contained bundle never notices it.
 */
public final class OtherCamelBundle {
    public static final String SYMBOLIC_NAME = "test.other-camel";

    private OtherCamelBundle() {
    }

    /** Writes the bundle to {@code target}: the Camel packages of the jars in {@code reporterBundle}'s lib/. */
    public static Path write(Path reporterBundle, Path target) throws IOException {
        SortedSet<String> packages = camelPackages(reporterBundle);
        if (packages.isEmpty()) {
            throw new IllegalStateException("no Camel jar in " + reporterBundle);
        }
        Manifest manifest = new Manifest();
        Attributes attributes = manifest.getMainAttributes();
        attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.putValue("Bundle-ManifestVersion", "2");
        attributes.putValue("Bundle-SymbolicName", SYMBOLIC_NAME);
        attributes.putValue("Bundle-Version", "4.0.0");
        attributes.putValue("Export-Package", String.join(",",
                packages.stream().map(name -> name + ";version=\"4.0.0\"").toList()));
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new JarEntry("OTHER-CAMEL.txt"));
            jar.write("exports Camel's packages without their classes\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return target;
    }

    /** The packages of org.apache.camel classes in the reporter bundle's embedded lib/camel-*.jar. */
    public static SortedSet<String> camelPackages(Path reporterBundle) throws IOException {
        SortedSet<String> packages = new TreeSet<>();
        try (JarFile bundle = new JarFile(reporterBundle.toFile())) {
            for (JarEntry embedded : (Iterable<JarEntry>) bundle.stream()::iterator) {
                if (!embedded.getName().matches("lib/camel-[^/]*\\.jar")) {
                    continue;
                }
                try (InputStream in = bundle.getInputStream(embedded); JarInputStream jar = new JarInputStream(in)) {
                    for (JarEntry entry = jar.getNextJarEntry(); entry != null; entry = jar.getNextJarEntry()) {
                        String name = entry.getName();
                        if (name.startsWith("org/apache/camel/") && name.endsWith(".class")) {
                            packages.add(name.substring(0, name.lastIndexOf('/')).replace('/', '.'));
                        }
                    }
                }
            }
        }
        return packages;
    }
}

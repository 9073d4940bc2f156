// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.faults;

import io.pgmqbus.example.it.faults.beans.InDoubtPublisher;
import io.pgmqbus.example.it.faults.web.FaultsResource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The archive every node of the fault suite runs: the example EAR as built, its adapter told to
 * heartbeat every {@value #HEARTBEAT_SECONDS} s with a {@value #LEASE_SECONDS} s lease (so that
 * reaping is seen within a test), plus the fault beans (a two-phase publish during which the server
 * halts) and their REST endpoint at {@code /faults/api}.
 */
final class FaultEar {
    static final String NAME = "pgmq-bus-example.ear";
    static final String RAR = "pgmq-bus-ra.rar";
    static final int HEARTBEAT_SECONDS = 1;
    static final int LEASE_SECONDS = 5;

    private FaultEar() {
    }

    static Path build(Path deps, Path out) {
        EnterpriseArchive ear = ShrinkWrap.createFromZipFile(EnterpriseArchive.class, deps.resolve(NAME).toFile());
        ResourceAdapterArchive rar = ShrinkWrap.create(ResourceAdapterArchive.class, RAR)
                .merge(ear.getAsType(ResourceAdapterArchive.class, RAR));
        String ironjacamar = text(rar, "META-INF/ironjacamar.xml");
        int first = ironjacamar.indexOf("<config-property");
        ironjacamar = ironjacamar.substring(0, first)
                + "<config-property name=\"heartbeatSeconds\">" + HEARTBEAT_SECONDS + "</config-property>\n  "
                + "<config-property name=\"leaseSeconds\">" + LEASE_SECONDS + "</config-property>\n  "
                + ironjacamar.substring(first);
        rar.delete("META-INF/ironjacamar.xml");
        rar.addAsManifestResource(new StringAsset(ironjacamar), "ironjacamar.xml");
        ear.delete(RAR);
        ear.addAsModule(rar);

        ear.addAsModule(ShrinkWrap.create(JavaArchive.class, "fault-beans.jar").addPackage(InDoubtPublisher.class.getPackage()));
        ear.addAsModule(ShrinkWrap.create(WebArchive.class, "faults.war").addPackage(FaultsResource.class.getPackage()));
        String xml = text(ear, "META-INF/application.xml");
        int end = xml.lastIndexOf("</module>") + "</module>".length();
        xml = xml.substring(0, end) + "<module><ejb>fault-beans.jar</ejb></module>"
                + "<module><web><web-uri>faults.war</web-uri><context-root>/faults</context-root></web></module>"
                + xml.substring(end);
        ear.setApplicationXML(new StringAsset(xml));

        Path file = out.resolve(NAME);
        ear.as(ZipExporter.class).exportTo(file.toFile(), true);
        return file;
    }

    private static String text(Archive<?> archive, String path) {
        if (archive.get(path) == null) {
            throw new IllegalStateException(archive.getName() + " has no " + path);
        }
        try (InputStream in = archive.get(path).getAsset().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " of " + archive.getName(), e);
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import io.pgmqbus.example.it.bad.BadConfigListener;
import io.pgmqbus.example.it.beans.AuditListener;
import io.pgmqbus.example.it.edges.Observations;
import io.pgmqbus.example.it.edges.SlowPublisher;
import io.pgmqbus.example.it.edges.TimeoutAckListener;
import io.pgmqbus.example.it.second.KeeperListener;
import io.pgmqbus.example.it.secrets.SecretKeeperListener;
import io.pgmqbus.example.it.tracing.TracedListener;
import io.pgmqbus.example.it.tracing.web.TracedResource;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Testable;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The archives the suite deploys: the example EAR exactly as built, plus test beans and the test
 * WAR; and small EARs of the adapter with one bean package each, for the lifecycle checks.
 */
final class Deployments {
    static final String EXAMPLE_EAR = "pgmq-bus-example.ear";
    static final String RAR = "pgmq-bus-ra.rar";
    static final String EDGES_MODULE = "edges-beans";

    private Deployments() {
    }

    private static EnterpriseArchive builtExample() {
        return ShrinkWrap.createFromZipFile(EnterpriseArchive.class, new File(System.getProperty("deps.dir"), EXAMPLE_EAR));
    }

    /** The example EAR exactly as built. */
    static EnterpriseArchive example() {
        return builtExample();
    }

    /** The example EAR with the test beans (an EJB module) and the tests (a WAR, with {@link BusDatabase}) added. */
    static EnterpriseArchive exampleWithTests(Class<?>... testClasses) {
        return exampleWith(ShrinkWrap.create(JavaArchive.class, "test-beans.jar").addPackage(AuditListener.class.getPackage()),
                testClasses);
    }

    /**
     * The example EAR with the delivery-edge beans (module {@value #EDGES_MODULE}, their transaction
     * timeouts for Payara in its glassfish-ejb-jar.xml) and the tests (a WAR) added.
     */
    static EnterpriseArchive exampleWithEdges(Class<?>... testClasses) {
        String timeouts = "<ejb><ejb-name>" + TimeoutAckListener.class.getSimpleName() + "</ejb-name><cmt-timeout-in-seconds>"
                + TimeoutAckListener.TIMEOUT_SECONDS + "</cmt-timeout-in-seconds></ejb>"
                + "<ejb><ejb-name>" + SlowPublisher.class.getSimpleName() + "</ejb-name><cmt-timeout-in-seconds>"
                + SlowPublisher.TIMEOUT_SECONDS + "</cmt-timeout-in-seconds></ejb>";
        JavaArchive beans = ShrinkWrap.create(JavaArchive.class, EDGES_MODULE + ".jar")
                .addPackage(Observations.class.getPackage())
                .addAsManifestResource(new StringAsset(glassfishEjbJar(timeouts)), "glassfish-ejb-jar.xml");
        return exampleWith(beans, testClasses);
    }

    /**
     * The example EAR (with its console) and the beans of {@code beans}'s package as module
     * {@code console-beans.jar}, for tests that run as a client (no test WAR).
     */
    static EnterpriseArchive exampleWithBeans(Package beans) {
        EnterpriseArchive ear = builtExample();
        ear.addAsModule(ShrinkWrap.create(JavaArchive.class, "console-beans.jar").addPackage(beans));
        String xml = text(ear, "META-INF/application.xml");
        int end = xml.lastIndexOf("</module>") + "</module>".length();
        ear.setApplicationXML(new StringAsset(xml.substring(0, end) + "<module><ejb>console-beans.jar</ejb></module>" + xml.substring(end)));
        return ear;
    }

    /**
     * The example EAR with the tracing test's beans (EJB module {@code tracing-beans.jar}: the
     * listener and what it saw) and its REST API (web module {@code tracing.war} at {@code /tracing}).
     */
    static EnterpriseArchive exampleWithTracing() {
        EnterpriseArchive ear = builtExample();
        ear.addAsModule(ShrinkWrap.create(JavaArchive.class, "tracing-beans.jar").addPackage(TracedListener.class.getPackage()));
        ear.addAsModule(ShrinkWrap.create(WebArchive.class, "tracing.war").addPackage(TracedResource.class.getPackage()));
        String xml = text(ear, "META-INF/application.xml");
        int end = xml.lastIndexOf("</module>") + "</module>".length();
        ear.setApplicationXML(new StringAsset(xml.substring(0, end) + "<module><ejb>tracing-beans.jar</ejb></module>"
                + "<module><web><web-uri>tracing.war</web-uri><context-root>/tracing</context-root></web></module>"
                + xml.substring(end)));
        return ear;
    }

    private static EnterpriseArchive exampleWith(JavaArchive beans, Class<?>... testClasses) {
        EnterpriseArchive ear = builtExample();
        WebArchive tests = ShrinkWrap.create(WebArchive.class, "test.war").addClasses(testClasses).addClass(BusDatabase.class);
        ear.addAsModule(beans);
        ear.addAsModule(Testable.archiveToTest(tests));
        String xml = text(ear, "META-INF/application.xml");
        int end = xml.lastIndexOf("</module>") + "</module>".length();
        xml = xml.substring(0, end) + "<module><ejb>" + beans.getName() + "</ejb></module>"
                + "<module><web><web-uri>test.war</web-uri><context-root>/tests</context-root></web></module>"
                + xml.substring(end);
        ear.setApplicationXML(new StringAsset(xml));
        return ear;
    }

    /**
     * An EAR of one message-driven bean bound to the adapter of the deployed example EAR (it has no
     * adapter of its own), so that its activation and the example's share one adapter instance.
     * WildFly only: the bean names {@code pgmq-bus-example.ear#pgmq-bus-ra.rar}, and the EAR depends
     * on the example EAR's module for the API classes the adapter uses. (On Payara an application
     * cannot see another's classes; the adapter would need the API on the server's classpath.)
     */
    static EnterpriseArchive joiningTheExample(String name, Class<?> bean) {
        EnterpriseArchive ear = ShrinkWrap.create(EnterpriseArchive.class, name);
        ear.addAsModule(ShrinkWrap.create(JavaArchive.class, "beans.jar").addClass(bean));
        String dependency = "<dependencies><module name=\"deployment." + EXAMPLE_EAR + "\"/></dependencies>";
        ear.addAsManifestResource(new StringAsset("<jboss-deployment-structure xmlns=\"urn:jboss:deployment-structure:1.2\">"
                + "<deployment>" + dependency + "</deployment>"
                + "<sub-deployment name=\"beans.jar\">" + dependency + "</sub-deployment>"
                + "</jboss-deployment-structure>"), "jboss-deployment-structure.xml");
        return ear;
    }

    private static String glassfishEjbJar(String ejbs) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE glassfish-ejb-jar PUBLIC"
                + " \"-//GlassFish.org//DTD GlassFish Application Server 3.1 EJB 3.1//EN\""
                + " \"http://glassfish.org/dtds/glassfish-ejb-jar_3_1-1.dtd\">\n"
                + "<glassfish-ejb-jar><enterprise-beans>" + ejbs + "</enterprise-beans></glassfish-ejb-jar>\n";
    }

    /** An EAR of the adapter, the API and the beans of one package (no application.xml: WildFly finds the modules). */
    static EnterpriseArchive adapterWith(String name, Package beans) {
        File deps = new File(System.getProperty("deps.dir"));
        EnterpriseArchive ear = ShrinkWrap.create(EnterpriseArchive.class, name);
        ear.addAsModule(ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, new File(deps, RAR)));
        ear.addAsLibrary(ShrinkWrap.createFromZipFile(JavaArchive.class, new File(deps, "pgmq-bus-api.jar")));
        ear.addAsModule(ShrinkWrap.create(JavaArchive.class, "beans.jar").addPackage(beans));
        return ear;
    }

    static EnterpriseArchive second() {
        return adapterWith("second.ear", KeeperListener.class.getPackage());
    }

    static EnterpriseArchive invalid() {
        return adapterWith("invalid.ear", BadConfigListener.class.getPackage());
    }

    private static boolean payara() {
        return "payara".equals(System.getProperty("arquillian.launch"));
    }

    /** The adapter as packaged in {@code rarFile}, named {@value #RAR}, with its ironjacamar.xml (WildFly's) edited by {@code edit}. */
    private static ResourceAdapterArchive adapter(File rarFile, UnaryOperator<String> edit) {
        ResourceAdapterArchive rar = ShrinkWrap.create(ResourceAdapterArchive.class, RAR)
                .merge(ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, rarFile));
        String ironjacamar = edit.apply(text(rar, "META-INF/ironjacamar.xml"));
        rar.delete("META-INF/ironjacamar.xml");
        rar.addAsManifestResource(new StringAsset(ironjacamar), "ironjacamar.xml");
        return rar;
    }

    /**
     * WildFly: the outbound connection factory at {@code java:/eis/<name>}, pool {@code <name>}, so
     * that the adapter can be deployed beside the example EAR's (a second factory at the packaged
     * {@code java:/eis/pgmq-bus} fails the deployment: the JNDI name is taken).
     */
    private static String factoryNamed(String ironjacamar, String name) {
        return ironjacamar.replaceFirst("jndi-name=\"[^\"]*\"", "jndi-name=\"java:/eis/" + name + "\"")
                .replaceFirst("pool-name=\"[^\"]*\"", "pool-name=\"" + name + "\"");
    }

    /**
     * A self-contained EAR {@code <app>.ear}: its own copy of the adapter (outbound factory renamed
     * after the application, see {@link #factoryNamed}), the API in {@code lib/} as in the example
     * EAR, and {@code bean} in {@code beans.jar}, bound to this EAR's adapter on both servers (WildFly:
     * the bean's {@code @ResourceAdapter("#pgmq-bus-ra.rar")}; Payara: glassfish-ejb-jar.xml's
     * {@code resource-adapter-mid}, needed as soon as another application's adapter also supports
     * the listener type). The bean needs no outbound factory, so no glassfish-resources.xml.
     */
    private static EnterpriseArchive ownAdapterWith(String app, ResourceAdapterArchive rar, Class<?> bean) {
        EnterpriseArchive ear = ShrinkWrap.create(EnterpriseArchive.class, app + ".ear");
        ear.addAsModule(rar);
        ear.addAsLibrary(ShrinkWrap.createFromZipFile(JavaArchive.class, new File(System.getProperty("deps.dir"), "pgmq-bus-api.jar")));
        String binding = "<ejb><ejb-name>" + bean.getSimpleName() + "</ejb-name><mdb-resource-adapter><resource-adapter-mid>"
                + app + "#pgmq-bus-ra</resource-adapter-mid></mdb-resource-adapter></ejb>";
        ear.addAsModule(ShrinkWrap.create(JavaArchive.class, "beans.jar").addClass(bean)
                .addAsManifestResource(new StringAsset(glassfishEjbJar(binding)), "glassfish-ejb-jar.xml"));
        return ear;
    }

    /** {@link #ownAdapterWith(String, ResourceAdapterArchive, Class)} with the adapter as built. */
    static EnterpriseArchive ownAdapterWith(String app, Class<?> bean) {
        File rar = new File(System.getProperty("deps.dir"), RAR);
        return ownAdapterWith(app, adapter(rar, xml -> factoryNamed(xml, app)), bean);
    }

    /**
     * {@code secrets.ear}: {@link SecretKeeperListener} on its own adapter (from {@code rarFile})
     * whose configuration holds the database password {@code secret}, a heartbeat every second and a
     * 2 s lease; the JDBC URL still comes from the server's system property. The password is in the
     * RAR only, as each server reads an embedded adapter's configuration: WildFly from
     * {@code META-INF/ironjacamar.xml} (the packaged one, its password expression replaced by the
     * value), Payara from {@code META-INF/ra.xml} config-property values (merged with the adapter's
     * annotations). (Payara's application-scoped {@code resource-adapter-config} in
     * glassfish-resources.xml does set them, but Payara then restarts the adapter from a class loader
     * without the EAR's lib/, and the adapter stays down.)
     */
    static EnterpriseArchive secrets(File rarFile, String secret) {
        String app = "secrets";
        ResourceAdapterArchive rar;
        if (payara()) {
            rar = adapter(rarFile, UnaryOperator.identity());
            rar.addAsManifestResource(new StringAsset(raXml(secret)), "ra.xml");
        } else {
            rar = adapter(rarFile, xml -> {
                String password = "<config-property name=\"password\">[^<]*</config-property>";
                if (!Pattern.compile(password).matcher(xml).find()) {
                    throw new IllegalStateException("no password config-property in the ironjacamar.xml of " + rarFile + ":\n" + xml);
                }
                return factoryNamed(xml, app).replaceFirst(password, Matcher.quoteReplacement(
                        "<config-property name=\"password\">" + secret + "</config-property>\n"
                                + "  <config-property name=\"heartbeatSeconds\">1</config-property>\n"
                                + "  <config-property name=\"leaseSeconds\">2</config-property>"));
            });
        }
        return ownAdapterWith(app, rar, SecretKeeperListener.class);
    }

    /** {@link #secrets(File, String)} with the adapter as built ({@value #RAR} of the build's deployables). */
    static EnterpriseArchive secrets(String secret) {
        return secrets(new File(System.getProperty("deps.dir"), RAR), secret);
    }

    /** Payara: an ra.xml that only gives config-property values; the rest comes from the adapter's annotations. */
    private static String raXml(String secret) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<connector xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xsi:schemaLocation=\"https://jakarta.ee/xml/ns/jakartaee https://jakarta.ee/xml/ns/jakartaee/connector_2_1.xsd\""
                + " version=\"2.1\" metadata-complete=\"false\">\n"
                + "  <resourceadapter>\n"
                + "    <resourceadapter-class>io.pgmqbus.ra.PgmqBusResourceAdapter</resourceadapter-class>\n"
                + configProperty("password", "java.lang.String", secret, true)
                + configProperty("heartbeatSeconds", "java.lang.Integer", "1", false)
                + configProperty("leaseSeconds", "java.lang.Integer", "2", false)
                + "  </resourceadapter>\n"
                + "</connector>\n";
    }

    private static String configProperty(String name, String type, String value, boolean confidential) {
        return "    <config-property>\n"
                + "      <config-property-name>" + name + "</config-property-name>\n"
                + "      <config-property-type>" + type + "</config-property-type>\n"
                + "      <config-property-value>" + value + "</config-property-value>\n"
                + (confidential ? "      <config-property-confidential>true</config-property-confidential>\n" : "")
                + "    </config-property>\n";
    }

    private static String text(Archive<?> archive, String path) {
        if (archive.get(path) == null) {
            throw new IllegalStateException(archive.getName() + " has no " + path);
        }
        try (InputStream in = archive.get(path).getAsset().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + " of " + archive.getName(), e);
        }
    }
}
